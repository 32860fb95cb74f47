/* test-roundtrip.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#undef G_DISABLE_ASSERT

#include "config.h"

#include <string.h>

#include "strata-ctf-writer.h"
#include "strata-trace-loader.h"

/*
 * Every event kind, written by our CTF writer with random field values, in both LTTng
 * naming generations, read back through libbabeltrace2: the same events must come out.
 * Where an older generation has no field for a slot, the reader's documented default is
 * what must come back.
 */

#define N_EVENTS 6000
#define OFFSET_S 1700000000

static gboolean
slot_written (StrataEventKind kind,
              guint           slot,
              gboolean        legacy)
{
  if (!legacy)
    return TRUE;
  switch (kind)
    {
    case STRATA_EV_PROCESS_FORK:
      return slot != STRATA_F_FORK_PARENT_NS_INUM && slot != STRATA_F_FORK_CHILD_NS_INUM &&
             slot != STRATA_F_FORK_CHILD_VTID;
    case STRATA_EV_STATEDUMP_PROCESS:
      return slot != STRATA_F_SD_NS_INUM;
    case STRATA_EV_KVM_EXIT:
      return slot != STRATA_F_KVM_VCPU_ID;
    case STRATA_EV_SYSCALL_EXIT:
      return slot != STRATA_F_SYSCALL_NAME;
    default:
      return TRUE;
    }
}

static char *
random_text (GRand *rand,
             guint  max_len)
{
  static const char chars[] = "abcdefghijklmnopqrstuvwxyz0123456789-_/:. ";
  guint len = g_rand_int_range (rand, 1, max_len + 1);
  char *s = g_malloc (len + 1);

  for (guint i = 0; i < len; i++)
    s[i] = chars[g_rand_int_range (rand, 0, sizeof chars - 1)];
  s[len] = '\0';
  return s;
}

/* A value that fits the narrowest type the writer uses for @slot of @kind. */
static gint64
random_value (GRand           *rand,
              StrataEventKind  kind,
              guint            slot)
{
  switch (kind)
    {
    case STRATA_EV_SYSCALL_EXIT:
      return g_rand_int_range (rand, -4095, 1 << 30);   /* ret: int64, errors are negative */
    case STRATA_EV_IRQ_EXIT:
      if (slot == STRATA_F_IRQX_RET)
        return g_rand_int_range (rand, -2, 3);
      break;
    case STRATA_EV_SCHED_SWITCH:
      if (slot == STRATA_F_SWITCH_PREV_STATE)
        return g_rand_boolean (rand) ? 0 : (1 << g_rand_int_range (rand, 0, 12));
      break;
    case STRATA_EV_KVM_EXIT:
      if (slot == STRATA_F_KVM_GUEST_RIP)
        /* Added as unsigned: the signed sum overflows (UBSan). */
        return (gint64) ((G_GUINT64_CONSTANT (0xffffffff81000000) >> 1) + g_rand_int (rand));
      break;
    case STRATA_EV_VMSYNC_GH_GUEST:
    case STRATA_EV_VMSYNC_HG_GUEST:
    case STRATA_EV_VMSYNC_GH_HOST:
    case STRATA_EV_VMSYNC_HG_HOST:
      if (slot == STRATA_F_VMSYNC_VM_UID)
        return G_GINT64_CONSTANT (0x5e5e000000000000) + g_rand_int (rand);
      return g_rand_int (rand);
    case STRATA_EV_NET_SEND:
    case STRATA_EV_NET_RECV:
      if (slot == STRATA_F_NET_SEQ || slot == STRATA_F_NET_ACK_SEQ)
        return g_rand_int (rand);
      return g_rand_int_range (rand, 0, 0x10000);
    default:
      break;
    }
  return g_rand_int_range (rand, 1, 1 << 22);
}

static StrataEvent
random_event (GRand        *rand,
              StrataStrtab *strings,
              gint64        ts,
              guint         n_cpus)
{
  StrataEvent ev = { 0 };
  const StrataEventKindInfo *info;

  ev.ts = ts;
  ev.cpu = g_rand_int_range (rand, 0, n_cpus);
  ev.kind = g_rand_int_range (rand, 1, STRATA_EV_N_KINDS);
  info = strata_event_kind_info (ev.kind);
  for (guint slot = 0; slot < info->n_fields; slot++)
    {
      if (strata_event_field_is_string (ev.kind, slot))
        {
          /* Task names are 16-byte arrays in LTTng: at most 15 characters. */
          gboolean comm = ev.kind != STRATA_EV_PROCESS_EXEC && ev.kind != STRATA_EV_IRQ_ENTRY &&
                          ev.kind != STRATA_EV_SYSCALL_ENTRY && ev.kind != STRATA_EV_SYSCALL_EXIT;
          g_autofree char *text = random_text (rand, comm ? 15 : 40);

          if (ev.kind == STRATA_EV_SYSCALL_ENTRY || ev.kind == STRATA_EV_SYSCALL_EXIT)
            {
              static const char *names[] = { "read", "write", "openat", "futex", "ioctl" };

              ev.f[slot] = strata_strtab_intern (strings, names[g_rand_int_range (rand, 0, 5)]);
            }
          else
            ev.f[slot] = strata_strtab_intern (strings, text);
        }
      else
        ev.f[slot] = random_value (rand, ev.kind, slot);
    }
  if (ev.kind == STRATA_EV_SYSCALL_ENTRY)
    ev.f[STRATA_F_SYSCALL_RET] = 0;
  return ev;
}

/* What the reader gives back for a slot the writer had no field for. */
static gint64
expected_default (const StrataEvent *ev,
                  guint              slot)
{
  if (ev->kind == STRATA_EV_KVM_EXIT && slot == STRATA_F_KVM_VCPU_ID)
    return -1;
  if (ev->kind == STRATA_EV_PROCESS_FORK && slot == STRATA_F_FORK_CHILD_VTID)
    return ev->f[STRATA_F_FORK_CHILD_TID];
  return 0;
}

static void
round_trip (gconstpointer data)
{
  gboolean legacy = GPOINTER_TO_INT (data);
  g_autoptr(StrataStrtab) strings = strata_strtab_new ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (legacy ? 11 : 7);
  g_autoptr(GArray) written = g_array_new (FALSE, FALSE, sizeof (StrataEvent));
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("strata-roundtrip-XXXXXX", NULL);
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
  StrataCtfWriterOptions options = { 0 };
  g_autoptr(StrataCtfWriter) writer = NULL;
  g_autoptr(StrataSet) set = NULL;
  g_autoptr(StrataEventMerge) merge = NULL;
  const char *paths[] = { dir, NULL };
  guint seen[STRATA_EV_N_KINDS] = { 0 };
  StrataEvent ev;
  gint64 ts = (gint64) OFFSET_S * 1000000000 + 1000;
  guint n = 0;

  options.hostname = "roundtrip";
  options.n_cpus = 4;
  options.offset_s = OFFSET_S;
  options.legacy_naming = legacy;
  options.packet_size = 4096;    /* many packets, so events cross packet boundaries */
  writer = strata_ctf_writer_new (dir, &options, strings, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < N_EVENTS; i++)
    {
      ts += g_rand_int_range (rand, 1, 100000);
      ev = random_event (rand, strings, ts, options.n_cpus);
      g_assert_true (strata_ctf_writer_add (writer, &ev, &error));
      g_assert_no_error (error);
      g_array_append_val (written, ev);
    }
  g_assert_true (strata_ctf_writer_close (writer, &error));
  g_assert_no_error (error);

  set = strata_trace_load (paths, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (set->errors->len, ==, 0);
  g_assert_cmpuint (strata_set_event_count (set), ==, N_EVENTS);

  merge = strata_trace_merge (g_ptr_array_index (set->traces, 0));
  while (strata_event_merge_next (merge, &ev))
    {
      const StrataEvent *w = &g_array_index (written, StrataEvent, n);
      const StrataEventKindInfo *info = strata_event_kind_info (w->kind);

      g_assert_cmpuint (n, <, N_EVENTS);
      g_assert_cmpint (ev.ts, ==, w->ts);
      g_assert_cmpuint (ev.cpu, ==, w->cpu);
      g_assert_cmpuint (ev.kind, ==, w->kind);
      for (guint slot = 0; slot < info->n_fields; slot++)
        {
          if (!slot_written (w->kind, slot, legacy))
            g_assert_cmpint (ev.f[slot], ==, expected_default (w, slot));
          else if (strata_event_field_is_string (w->kind, slot))
            g_assert_cmpstr (strata_strtab_get (set->strings, ev.f[slot]), ==,
                             strata_strtab_get (strings, w->f[slot]));
          else if (ev.f[slot] != w->f[slot])
            g_error ("event %u (%s) slot %u (%s): wrote %" G_GINT64_FORMAT ", read %" G_GINT64_FORMAT,
                     n, info->name, slot, info->field_names[slot], w->f[slot], ev.f[slot]);
        }
      seen[w->kind]++;
      n++;
    }
  g_assert_cmpuint (n, ==, N_EVENTS);
  for (guint k = 1; k < STRATA_EV_N_KINDS; k++)
    g_assert_cmpuint (seen[k], >, 100);
  g_assert_true (system (cmd) == 0);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_data_func ("/roundtrip/current-lttng", GINT_TO_POINTER (FALSE), round_trip);
  g_test_add_data_func ("/roundtrip/legacy-lttng", GINT_TO_POINTER (TRUE), round_trip);
  return g_test_run ();
}
