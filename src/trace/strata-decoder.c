/* strata-decoder.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-decoder"

#include "config.h"

#include <inttypes.h>

#include <babeltrace2/babeltrace.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "strata-ctf-check.h"
#include "strata-decoder-private.h"
#include "strata-port-key.h"
#include "strata-time.h"

#if defined(__SANITIZE_ADDRESS__)
# define STRATA_LSAN 1
#elif defined(__has_feature)
# if __has_feature(address_sanitizer)
#  define STRATA_LSAN 1
# endif
#endif
#ifdef STRATA_LSAN
# include <sanitizer/lsan_interface.h>
# define lsan_disable() __lsan_disable ()
# define lsan_enable() __lsan_enable ()
#else
# define lsan_disable() ((void) 0)
# define lsan_enable() ((void) 0)
#endif

/*
 * Each shard owns one graph: src.ctf.fs, and a sink of ours whose input ports take a subset of
 * the source's output ports (one per data stream). The sink pulls every stream on its own, with
 * no muxer: old LTTng packets overlap their predecessor, which makes flt.utils.muxer abort,
 * and streams are merged by time later, in core.
 *
 * libbabeltrace2 objects are not thread-safe. Each graph and everything it creates stays on
 * its thread, its component classes included: each shard loads the ctf plugin for itself, so
 * that no reference count is shared. Loading a plugin and destroying its classes edit a list
 * that libbabeltrace2 keeps for the whole process, so plugin_lock guards those two steps, and
 * nothing else: no lock is held while libbabeltrace2 reads a trace (a metadata parse can
 * take minutes, and a cancelled load must not keep the next one waiting).
 */

static GMutex plugin_lock;
static char *ctf_plugin_path;     /* NULL: search for the plugin each time */

typedef struct
{
  const bt_plugin                  *plugin;
  const bt_component_class_source  *fs;
  bt_component_class_sink          *sink;
} Classes;

#define N_SLOTS STRATA_EVENT_MAX_FIELDS
#define CLASS_CACHE 64
#define NAME_CACHE 1024
#define NAME_TEXT 24

/* A string read lately, and its id: most names (a switch has two) repeat, and are found here
 * without a copy, a UTF-8 check, and the string table's lock shared by every shard. */
typedef struct
{
  guint32 len;                      /* + 1; 0: empty entry */
  guint32 id;
  char    text[NAME_TEXT];          /* as the trace has it, before any repair */
} NameEntry;

/* What an LTTng kernel event takes in a stream file, on average (28–35 B in the sample
 * traces): progress is events read against the stream files' size at this rate. */
#define STRATA_BYTES_PER_EVENT 30

typedef enum
{
  ACCESS_NONE,
  ACCESS_UNSIGNED,
  ACCESS_SIGNED,
  ACCESS_STRING,
  ACCESS_LAST_ELEMENT,     /* sequence or array of integers: its last element */
  ACCESS_BOOL,
} Access;

typedef struct
{
  StrataEventKind kind;
  guint32         name_id;          /* syscall name, from the event name */
  gint            index[N_SLOTS];   /* payload member index; -1 when absent */
  guint8          access[N_SLOTS];
  gint            network_header;   /* net_dev_queue & co: the header variant's index, or -1 */
} ClassInfo;

typedef struct
{
  bt_message_iterator *iterator;
  StrataStream        *stream;
  guint                port_index;
  gboolean             ended;
  gboolean             has_clock;
  gboolean             has_last;
  gint64               last_ns;        /* the latest event time kept so far */
  guint64              backwards;      /* events dated before the one before them */
  gint64               max_back_ns;    /* by how much, at most */
  guint64              timeless;       /* events whose time does not fit in int64 ns */
  guint64              packets;
  guint64              uncounted;      /* losses libbabeltrace2 and we could not count */
  guint64              bad_cpus;       /* packets naming a CPU no machine has */
  guint64              bad_cpu;        /* the first such CPU */
  gboolean             loss_open;      /* the stream's loss at loss_index ends at its next event */
  guint                loss_index;
  gboolean             resumed;        /* read on past a packet that could not be read */
} PortState;

typedef struct
{
  const char           *display_path;
  StrataShardResult    *result;
  StrataStrtab         *strings;
  StrataDecodeProgress *progress;
  GHashTable           *classes;        /* const bt_event_class* -> ClassInfo* */
  /* The same by address, direct-mapped: most events find their class here, without hashing
   * and probing the table. */
  const bt_event_class *cached_class[CLASS_CACHE];
  ClassInfo            *cached_info[CLASS_CACHE];
  NameEntry            *names;          /* NAME_CACHE, direct-mapped by a hash of the text */
  GArray               *ports;          /* PortState */
  guint                 next_port;
  gboolean              env_done;
  gboolean              stale_said;    /* an error left behind a successful call was reported */
} Shard;

/* Payload names for each slot, per kind, oldest spellings after the newest. */
typedef struct
{
  const char *names[N_SLOTS][3];
} SlotNames;

static const char *
kind_slot_alias (StrataEventKind kind,
                 guint           slot,
                 guint           alt)
{
  const StrataEventKindInfo *info = strata_event_kind_info (kind);

  if (alt == 0)
    return info->field_names[slot];
  /* A handful of fields were renamed across LTTng generations. */
  if (alt == 1)
    {
      if (kind == STRATA_EV_STATEDUMP_PROCESS && slot == STRATA_F_SD_NAME)
        return "comm";
      if (kind == STRATA_EV_PROCESS_EXEC && slot == STRATA_F_EXEC_FILENAME)
        return "filename_str";
      if ((kind == STRATA_EV_NET_SEND || kind == STRATA_EV_NET_RECV) && slot == STRATA_F_NET_ACK_SEQ)
        return "ack";
    }
  return NULL;
}

static gboolean
has_prefix_rest (const char  *name,
                 const char  *prefix,
                 const char **rest)
{
  gsize len = strlen (prefix);

  if (strncmp (name, prefix, len) != 0)
    return FALSE;
  *rest = name + len;
  return TRUE;
}

/* Maps an LTTng event name of any generation onto a kind; sets @syscall to the syscall name. */
static StrataEventKind
kind_from_lttng_name (const char  *name,
                      const char **syscall)
{
  static const struct { const char *name; StrataEventKind kind; } aliases[] = {
    { "kvm_entry", STRATA_EV_KVM_ENTRY },
    { "kvm_exit", STRATA_EV_KVM_EXIT },
    { "softirq_entry", STRATA_EV_SOFTIRQ_ENTRY },
    { "softirq_exit", STRATA_EV_SOFTIRQ_EXIT },
    { "softirq_raise", STRATA_EV_SOFTIRQ_RAISE },
    { "exit_syscall", STRATA_EV_SYSCALL_EXIT },
    { "lttng_statedump_process_ns", STRATA_EV_STATEDUMP_PID_NS },
    /* Mainline network events carry the TCP header in nested variants (read_tcp_header). */
    { "net_dev_queue", STRATA_EV_NET_SEND },
    { "netif_receive_skb", STRATA_EV_NET_RECV },
  };
  const char *rest;
  StrataEventKind kind;

  *syscall = NULL;
  if ((kind = strata_event_kind_from_name (name)) != STRATA_EV_NONE &&
      kind != STRATA_EV_SYSCALL_ENTRY && kind != STRATA_EV_SYSCALL_EXIT)
    return kind;
  for (guint i = 0; i < G_N_ELEMENTS (aliases); i++)
    if (strcmp (aliases[i].name, name) == 0)
      return aliases[i].kind;

  if (has_prefix_rest (name, "compat_", &rest))
    name = rest;
  if (has_prefix_rest (name, "syscall_entry_", &rest))
    {
      *syscall = rest;
      return STRATA_EV_SYSCALL_ENTRY;
    }
  if (has_prefix_rest (name, "syscall_exit_", &rest))
    {
      *syscall = rest;
      return STRATA_EV_SYSCALL_EXIT;
    }
  if (has_prefix_rest (name, "sys_", &rest) && *rest != '\0')
    {
      *syscall = rest;
      return STRATA_EV_SYSCALL_ENTRY;
    }
  return STRATA_EV_NONE;
}

static Access
access_for_class (const bt_field_class *fc)
{
  bt_field_class_type type = bt_field_class_get_type (fc);

  if (bt_field_class_type_is (type, BT_FIELD_CLASS_TYPE_UNSIGNED_INTEGER))
    return ACCESS_UNSIGNED;
  if (bt_field_class_type_is (type, BT_FIELD_CLASS_TYPE_SIGNED_INTEGER))
    return ACCESS_SIGNED;
  if (type == BT_FIELD_CLASS_TYPE_STRING)
    return ACCESS_STRING;
  if (type == BT_FIELD_CLASS_TYPE_BOOL)
    return ACCESS_BOOL;
  if (bt_field_class_type_is (type, BT_FIELD_CLASS_TYPE_ARRAY))
    {
      const bt_field_class *elem = bt_field_class_array_borrow_element_field_class_const (fc);
      bt_field_class_type et = bt_field_class_get_type (elem);

      if (bt_field_class_type_is (et, BT_FIELD_CLASS_TYPE_INTEGER))
        return ACCESS_LAST_ELEMENT;
    }
  return ACCESS_NONE;
}

static ClassInfo *
class_info_new (Shard                *shard,
                const bt_event_class *event_class)
{
  ClassInfo *info = g_new0 (ClassInfo, 1);
  const char *name = bt_event_class_get_name (event_class);
  const char *syscall = NULL;
  const bt_field_class *payload;
  const StrataEventKindInfo *kinfo;

  for (guint i = 0; i < N_SLOTS; i++)
    info->index[i] = -1;
  info->network_header = -1;
  info->kind = name ? kind_from_lttng_name (name, &syscall) : STRATA_EV_NONE;
  if (info->kind == STRATA_EV_NONE)
    return info;
  if (syscall != NULL)
    info->name_id = strata_strtab_intern (shard->strings, syscall);
  if (info->kind == STRATA_EV_KVM_ENTRY || info->kind == STRATA_EV_KVM_EXIT)
    shard->result->has_kvm = TRUE;

  payload = bt_event_class_borrow_payload_field_class_const (event_class);
  if (payload == NULL || bt_field_class_get_type (payload) != BT_FIELD_CLASS_TYPE_STRUCTURE)
    return info;

  if (info->kind == STRATA_EV_NET_SEND || info->kind == STRATA_EV_NET_RECV)
    for (guint m = 0; m < bt_field_class_structure_get_member_count (payload); m++)
      if (strcmp (bt_field_class_structure_member_get_name (
                    bt_field_class_structure_borrow_member_by_index_const (payload, m)), "network_header") == 0)
        info->network_header = m;

  kinfo = strata_event_kind_info (info->kind);
  for (guint slot = 0; slot < kinfo->n_fields; slot++)
    {
      guint n = bt_field_class_structure_get_member_count (payload);

      for (guint alt = 0; alt < 3 && info->index[slot] < 0; alt++)
        {
          const char *want = kind_slot_alias (info->kind, slot, alt);

          if (want == NULL)
            break;
          for (guint m = 0; m < n; m++)
            {
              const bt_field_class_structure_member *member =
                bt_field_class_structure_borrow_member_by_index_const (payload, m);

              if (strcmp (bt_field_class_structure_member_get_name (member), want) == 0)
                {
                  Access access = access_for_class (
                    bt_field_class_structure_member_borrow_field_class_const (member));

                  if (access != ACCESS_NONE)
                    {
                      info->index[slot] = m;
                      info->access[slot] = access;
                    }
                  break;
                }
            }
        }
    }
  return info;
}

static gint64
read_field (Shard          *shard,
            const bt_field *field,
            Access          access)
{
  switch (access)
    {
    case ACCESS_UNSIGNED:
      return (gint64) bt_field_integer_unsigned_get_value (field);
    case ACCESS_SIGNED:
      return bt_field_integer_signed_get_value (field);
    case ACCESS_BOOL:
      return bt_field_bool_get_value (field);
    case ACCESS_STRING:
      {
        const char *text = bt_field_string_get_value (field);
        guint64 len = bt_field_string_get_length (field);
        NameEntry *entry = NULL;
        guint32 id;

        if (len < NAME_TEXT)
          {
            guint32 h = 2166136261u;

            for (guint64 i = 0; i < len; i++)
              h = (h ^ (guint8) text[i]) * 16777619u;
            entry = &shard->names[(h ^ (h >> 16)) & (NAME_CACHE - 1)];
            if (entry->len == len + 1 && memcmp (entry->text, text, len) == 0)
              return entry->id;
          }
        /* Thread and file names as valid UTF-8, which labels and JSON need. */
        if (G_UNLIKELY (!g_utf8_validate (text, len, NULL)))
          {
            g_autofree char *valid = g_utf8_make_valid (text, len);

            id = strata_strtab_intern (shard->strings, valid);
          }
        else
          id = strata_strtab_intern_len (shard->strings, text, len);
        /* Not 0: a string the full table dropped is counted each time it is met. */
        if (entry != NULL && id != 0)
          {
            entry->len = len + 1;
            entry->id = id;
            memcpy (entry->text, text, len);
          }
        return id;
      }
    case ACCESS_LAST_ELEMENT:
      {
        guint64 len = bt_field_array_get_length (field);
        const bt_field *elem;

        if (len == 0)
          return 0;
        elem = bt_field_array_borrow_element_field_by_index_const (field, len - 1);
        if (bt_field_class_type_is (bt_field_get_class_type (elem), BT_FIELD_CLASS_TYPE_SIGNED_INTEGER))
          return bt_field_integer_signed_get_value (elem);
        return (gint64) bt_field_integer_unsigned_get_value (elem);
      }
    case ACCESS_NONE:
    default:
      return 0;
    }
}

static void
fill_defaults (StrataEvent     *ev,
               const ClassInfo *info)
{
  switch (info->kind)
    {
    case STRATA_EV_KVM_ENTRY:
    case STRATA_EV_KVM_EXIT:
      if (info->index[STRATA_F_KVM_VCPU_ID] < 0)
        ev->f[STRATA_F_KVM_VCPU_ID] = -1;
      break;
    case STRATA_EV_PROCESS_FORK:
      if (info->index[STRATA_F_FORK_CHILD_VTID] < 0 || ev->f[STRATA_F_FORK_CHILD_VTID] == 0)
        ev->f[STRATA_F_FORK_CHILD_VTID] = ev->f[STRATA_F_FORK_CHILD_TID];
      break;
    case STRATA_EV_STATEDUMP_PROCESS:
      if (info->index[STRATA_F_SD_VTID] < 0)
        ev->f[STRATA_F_SD_VTID] = ev->f[STRATA_F_SD_TID];
      if (info->index[STRATA_F_SD_VPID] < 0)
        ev->f[STRATA_F_SD_VPID] = ev->f[STRATA_F_SD_PID];
      if (info->index[STRATA_F_SD_CPU] < 0)
        ev->f[STRATA_F_SD_CPU] = -1;
      break;
    case STRATA_EV_SYSCALL_ENTRY:
    case STRATA_EV_SYSCALL_EXIT:
      ev->f[STRATA_F_SYSCALL_NAME] = info->name_id;
      if (info->kind == STRATA_EV_SYSCALL_ENTRY)
        ev->f[STRATA_F_SYSCALL_RET] = 0;
      break;
    default:
      break;
    }
}

static char *
env_string (const bt_trace *trace,
            const char     *name)
{
  const bt_value *value = bt_trace_borrow_environment_entry_value_by_name_const (trace, name);

  if (value == NULL)
    return NULL;
  /* Text from another machine: made valid UTF-8 here, once, for every output after. */
  if (bt_value_get_type (value) == BT_VALUE_TYPE_STRING)
    return g_utf8_make_valid (bt_value_string_get (value), -1);
  if (bt_value_get_type (value) == BT_VALUE_TYPE_SIGNED_INTEGER)
    return g_strdup_printf ("%" G_GINT64_FORMAT, bt_value_integer_signed_get (value));
  if (bt_value_get_type (value) == BT_VALUE_TYPE_UNSIGNED_INTEGER)
    return g_strdup_printf ("%" G_GUINT64_FORMAT, bt_value_integer_unsigned_get (value));
  return NULL;
}

/* An environment entry that a person wrote, or NULL: some traces fill trace_name with
 * bytes that are not text. */
static char *
env_text (const bt_trace *trace,
          const char     *name)
{
  g_autofree char *value = env_string (trace, name);

  if (value == NULL || strlen (value) > 255 || !g_utf8_validate (value, -1, NULL))
    return NULL;
  g_strstrip (value);
  if (value[0] == '\0')
    return NULL;
  for (const char *p = value; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      return NULL;
  return g_steal_pointer (&value);
}

static void
read_environment (Shard           *shard,
                  const bt_stream *stream)
{
  StrataShardResult *result = shard->result;
  const bt_trace *trace = bt_stream_borrow_trace_const (stream);
  const bt_clock_class *clock =
    bt_stream_class_borrow_default_clock_class_const (bt_stream_borrow_class_const (stream));
  g_autofree char *name = env_string (trace, "tracer_name");
  g_autofree char *major = env_string (trace, "tracer_major");
  g_autofree char *minor = env_string (trace, "tracer_minor");
  g_autofree char *patch = env_string (trace, "tracer_patchlevel");

  shard->env_done = TRUE;
  result->hostname = env_string (trace, "hostname");
  result->domain = env_string (trace, "domain");
  result->kernel_release = env_string (trace, "kernel_release");
  result->session_name = env_text (trace, "trace_name");
  result->session_time = env_text (trace, "trace_creation_datetime");
  if (name != NULL && major != NULL && minor != NULL && patch != NULL)
    result->tracer = g_strdup_printf ("%s %s.%s.%s", name, major, minor, patch);
  else if (name != NULL && major != NULL && minor != NULL)
    result->tracer = g_strdup_printf ("%s %s.%s", name, major, minor);
  else
    result->tracer = g_strdup (name);
  if (clock != NULL && bt_clock_class_get_uuid (clock) != NULL)
    {
      const guint8 *u = bt_clock_class_get_uuid (clock);

      result->clock_uuid =
        g_strdup_printf ("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                         u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10],
                         u[11], u[12], u[13], u[14], u[15]);
    }
}

static void
report_progress (StrataDecodeProgress *progress,
                 guint64               bytes)
{
  gpointer now, last;

  if (progress == NULL)
    return;
  g_atomic_pointer_add (&progress->done_bytes, (gssize) bytes);
  if (progress->report == NULL)
    return;
  now = GSIZE_TO_POINTER (g_get_monotonic_time ());
  last = g_atomic_pointer_get (&progress->last_report_us);
  /* A few reports per second are plenty, and one thread wins each slot. */
  if (GPOINTER_TO_SIZE (now) - GPOINTER_TO_SIZE (last) >= 20000 &&
      g_atomic_pointer_compare_and_exchange (&progress->last_report_us, last, now))
    {
      guint64 done = (guint64) g_atomic_pointer_get (&progress->done_bytes);

      /* An estimate: never claim to be done before the end. */
      progress->report (MIN (done, progress->total_bytes - progress->total_bytes / 50),
                        progress->total_bytes, progress->report_data);
    }
}

static void
handle_packet (Shard            *shard,
               PortState        *port,
               const bt_message *msg)
{
  const bt_packet *packet = bt_message_packet_beginning_borrow_packet_const (msg);
  const bt_field *context = bt_packet_borrow_context_field_const (packet);
  const bt_field *field;

  port->packets++;
  if (context == NULL)
    return;
  if ((field = bt_field_structure_borrow_member_field_by_name_const (context, "cpu_id")) != NULL &&
      bt_field_class_type_is (bt_field_get_class_type (field), BT_FIELD_CLASS_TYPE_UNSIGNED_INTEGER))
    {
      guint64 cpu = bt_field_integer_unsigned_get_value (field);

      /* A machine's CPU count is its highest cpu_id + 1: a damaged one must not make it
       * millions. The stream keeps the CPU of its packets before. */
      if (cpu < STRATA_MAX_CPUS)
        port->stream->cpu = (guint32) cpu;
      else if (port->bad_cpus++ == 0)
        port->bad_cpu = cpu;
    }
}

/* A struct member by name, through a variant to its selected option. */
static const bt_field *
member (const bt_field *field,
        const char     *name)
{
  if (field != NULL && bt_field_get_class_type (field) == BT_FIELD_CLASS_TYPE_STRUCTURE)
    field = bt_field_structure_borrow_member_field_by_name_const (field, name);
  else
    return NULL;
  while (field != NULL && bt_field_class_type_is (bt_field_get_class_type (field), BT_FIELD_CLASS_TYPE_VARIANT))
    field = bt_field_variant_borrow_selected_option_field_const (field);
  return field;
}

static gboolean
get_unsigned (const bt_field *field,
              gint64         *out)
{
  if (field == NULL ||
      !bt_field_class_type_is (bt_field_get_class_type (field), BT_FIELD_CLASS_TYPE_UNSIGNED_INTEGER))
    return FALSE;
  *out = (gint64) bt_field_integer_unsigned_get_value (field);
  return TRUE;
}

/* net_dev_queue / netif_receive_skb: the TCP segment's identity, when the packet is TCP. */
static gboolean
read_tcp_header (const bt_field *network_header,
                 StrataEvent    *ev)
{
  const bt_field *ip = network_header;
  const bt_field *tcp;

  while (ip != NULL && bt_field_class_type_is (bt_field_get_class_type (ip), BT_FIELD_CLASS_TYPE_VARIANT))
    ip = bt_field_variant_borrow_selected_option_field_const (ip);
  if ((tcp = member (ip, "transport_header")) == NULL ||
      bt_field_get_class_type (tcp) != BT_FIELD_CLASS_TYPE_STRUCTURE)
    return FALSE;
  return get_unsigned (member (tcp, "seq"), &ev->f[STRATA_F_NET_SEQ]) &&
         get_unsigned (member (tcp, "ack_seq"), &ev->f[STRATA_F_NET_ACK_SEQ]) &&
         get_unsigned (member (tcp, "flags"), &ev->f[STRATA_F_NET_FLAGS]) &&
         get_unsigned (member (tcp, "checksum"), &ev->f[STRATA_F_NET_CHECK]) &&
         get_unsigned (member (tcp, "window_size"), &ev->f[STRATA_F_NET_WINDOW]);
}

static void
handle_event (Shard            *shard,
              PortState        *port,
              const bt_message *msg)
{
  const bt_event *event = bt_message_event_borrow_event_const (msg);
  const bt_event_class *event_class = bt_event_borrow_class_const (event);
  const bt_field *payload;
  ClassInfo *info;
  StrataEvent ev;
  int64_t ns = 0;
  guint cached;

  port->stream->events++;

  cached = (guint) (((guint64) (guintptr) event_class * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15)) >> 58);
  if (G_LIKELY (shard->cached_class[cached] == event_class))
    info = shard->cached_info[cached];
  else
    {
      if ((info = g_hash_table_lookup (shard->classes, event_class)) == NULL)
        {
          info = class_info_new (shard, event_class);
          g_hash_table_insert (shard->classes, (gpointer) event_class, info);
        }
      shard->cached_class[cached] = event_class;
      shard->cached_info[cached] = info;
    }
  if (!port->has_clock)
    return;
  if (bt_clock_snapshot_get_ns_from_origin (bt_message_event_borrow_default_clock_snapshot_const (msg),
                                            &ns) != BT_CLOCK_SNAPSHOT_GET_NS_FROM_ORIGIN_STATUS_OK)
    {
      /* A damaged timestamp, or a clock whose origin is out of range. The failure leaves an
       * error on the thread, which libbabeltrace2 would take for ours at its next call and
       * abort: clear it, and count the event as one without a time. */
      bt_current_thread_clear_error ();
      port->timeless++;
      return;
    }
  if (!strata_time_in_range (ns))
    {
      port->timeless++;
      return;
    }
  /* Events of one stream must reach the core in time order: the merge of streams, and every
   * model after it, rely on it. A damaged timestamp, or packets out of order, would break
   * that: keep such an event at the time of the one before it, and count it. */
  if (port->has_last && ns < port->last_ns)
    {
      port->backwards++;
      port->max_back_ns = MAX (port->max_back_ns, port->last_ns - ns);
      ns = port->last_ns;
    }
  port->last_ns = ns;
  port->has_last = TRUE;
  if (port->loss_open)
    {
      StrataLoss *loss = &g_array_index (port->stream->losses, StrataLoss, port->loss_index);

      loss->end_ns = MAX (loss->begin_ns, MIN (loss->end_ns, ns));
      port->loss_open = FALSE;
    }
  if (port->stream->begin_ns == 0 && port->stream->end_ns == 0)
    port->stream->begin_ns = ns;
  port->stream->end_ns = MAX (port->stream->end_ns, ns);
  if (info->kind == STRATA_EV_NONE)
    return;

  memset (&ev, 0, sizeof ev);
  ev.ts = ns;
  ev.cpu = port->stream->cpu == G_MAXUINT32 ? 0 : port->stream->cpu;
  ev.kind = info->kind;
  payload = bt_event_borrow_payload_field_const (event);
  if (payload != NULL)
    {
      const StrataEventKindInfo *kinfo = strata_event_kind_info (info->kind);

      for (guint slot = 0; slot < kinfo->n_fields; slot++)
        if (info->index[slot] >= 0)
          ev.f[slot] = read_field (shard,
                                   bt_field_structure_borrow_member_field_by_index_const (payload, info->index[slot]),
                                   info->access[slot]);
    }
  if (info->network_header >= 0 &&
      !read_tcp_header (bt_field_structure_borrow_member_field_by_index_const (payload, info->network_header), &ev))
    return;
  fill_defaults (&ev, info);
  strata_stream_append (port->stream, &ev);
}

/*
 * Events lost before a stream's first packet: libbabeltrace2 2.0 reports that some were,
 * without their number (it has no earlier packet to subtract from), but the packet's
 * events_discarded counter holds it. The stream's port is named after its first file.
 */
static gboolean
count_first_packet_losses (PortState *port)
{
  const char *bar = strrchr (port->stream->name, '|');
  g_autofree char *path = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *file = NULL;
  guint64 count = 0;

  if (bar == NULL)
    return FALSE;
  path = g_strstrip (g_strdup (bar + 1));
  folder = g_path_get_dirname (path);
  file = g_path_get_basename (path);
  if (!strata_ctf_first_packet_discarded (folder, file, &count))
    return FALSE;
  port->stream->discarded += count;
  return TRUE;
}

/* A clock snapshot of a discarded-events message, in ns from the origin; FALSE when it has
 * none or it is out of range. */
static gboolean
snapshot_ns (const bt_clock_snapshot *snapshot,
             gint64                  *ns)
{
  int64_t value;

  if (bt_clock_snapshot_get_ns_from_origin (snapshot, &value) != BT_CLOCK_SNAPSHOT_GET_NS_FROM_ORIGIN_STATUS_OK)
    {
      bt_current_thread_clear_error ();
      return FALSE;
    }
  if (!strata_time_in_range (value))
    return FALSE;
  *ns = value;
  return TRUE;
}

/*
 * Where the tracer lost events, so that the view marks the time axis there: from the
 * message's first clock snapshot (the end of the packet before) to the next event read, or
 * at the last event read when the stream class has no snapshots.
 */
/* Where a discarded-events or discarded-packets message places its loss: from its first clock
 * snapshot (the end of the packet before) to its last, or at the last event read when the
 * stream class has no snapshots; FALSE when it cannot be placed at all. */
static gboolean
place_loss (PortState        *port,
            const bt_message *msg,
            StrataLoss       *loss)
{
  gboolean packets = bt_message_get_type (msg) == BT_MESSAGE_TYPE_DISCARDED_PACKETS;
  const bt_stream *stream = packets ? bt_message_discarded_packets_borrow_stream_const (msg)
                                    : bt_message_discarded_events_borrow_stream_const (msg);
  const bt_stream_class *klass = bt_stream_borrow_class_const (stream);
  gboolean placed = FALSE;

  if (port->has_clock && packets && bt_stream_class_discarded_packets_have_default_clock_snapshots (klass))
    placed = snapshot_ns (bt_message_discarded_packets_borrow_beginning_default_clock_snapshot_const (msg),
                          &loss->begin_ns) &&
             snapshot_ns (bt_message_discarded_packets_borrow_end_default_clock_snapshot_const (msg),
                          &loss->end_ns);
  else if (port->has_clock && !packets && bt_stream_class_discarded_events_have_default_clock_snapshots (klass))
    placed = snapshot_ns (bt_message_discarded_events_borrow_beginning_default_clock_snapshot_const (msg),
                          &loss->begin_ns) &&
             snapshot_ns (bt_message_discarded_events_borrow_end_default_clock_snapshot_const (msg),
                          &loss->end_ns);
  if (!placed)
    {
      if (!port->has_last)
        return FALSE;
      loss->begin_ns = loss->end_ns = port->last_ns;
    }
  if (loss->end_ns < loss->begin_ns)
    loss->end_ns = loss->begin_ns;
  return TRUE;
}

/* Where the tracer lost events, so that the view marks the time axis there. */
static void
add_loss (PortState         *port,
          const bt_message  *msg,
          guint64            count)
{
  StrataLoss loss = { 0, 0, count };

  if (!place_loss (port, msg, &loss))
    return;
  g_array_append_val (port->stream->losses, loss);
  /* The message spans to the end of the packet that counted the loss; the events were lost
   * before the first of them that the packet kept. */
  port->loss_open = TRUE;
  port->loss_index = port->stream->losses->len - 1;
}

static void
handle_message (Shard            *shard,
                PortState        *port,
                const bt_message *msg)
{
  switch (bt_message_get_type (msg))
    {
    case BT_MESSAGE_TYPE_EVENT:
      handle_event (shard, port, msg);
      break;

    case BT_MESSAGE_TYPE_PACKET_BEGINNING:
      handle_packet (shard, port, msg);
      break;

    case BT_MESSAGE_TYPE_STREAM_BEGINNING:
      {
        const bt_stream *stream = bt_message_stream_beginning_borrow_stream_const (msg);

        port->has_clock = bt_stream_class_borrow_default_clock_class_const (
                            bt_stream_borrow_class_const (stream)) != NULL;
        if (!shard->env_done)
          read_environment (shard, stream);
        break;
      }

    case BT_MESSAGE_TYPE_DISCARDED_EVENTS:
      {
        uint64_t count = 0;
        guint64 before = port->stream->discarded;

        if (bt_message_discarded_events_get_count (msg, &count) == BT_PROPERTY_AVAILABILITY_AVAILABLE)
          port->stream->discarded += count;
        else if (port->resumed && port->packets == 0)
          /* Read on from a copy whose first packet's counter holds the stream's losses so far:
           * libbabeltrace2 takes them for losses before a first packet. Those before the
           * packet that could not be read were counted; those after, in the time read past,
           * are that gap's, whose events are not counted. */
          break;
        else if (port->packets > 0)
          port->uncounted++;
        else if (!count_first_packet_losses (port))
          {
            /* A port named by its stream's ids, not its file: the loader finds the file, and
             * the loss is the one added now, if it is placed. */
            StrataDecodeFirstLoss first = { port->stream, port->stream->losses->len };

            add_loss (port, msg, 0);
            if (port->stream->losses->len == first.loss)
              first.loss = G_MAXUINT;
            g_array_append_val (shard->result->first_losses, first);
            break;
          }
        add_loss (port, msg, port->stream->discarded - before);
        break;
      }

    case BT_MESSAGE_TYPE_DISCARDED_PACKETS:
      {
        /* A gap in the packets' sequence numbers (a flight-recorder session overwrote them,
         * a relay dropped them, or Strata left damaged ones out): events lost, how many not
         * known. The loader tells which (strata-trace-loader.c). */
        StrataDecodeLostPackets lost = { port->stream, { 0, 0, 0 }, 1 };
        uint64_t count = 0;

        if (bt_message_discarded_packets_get_count (msg, &count) == BT_PROPERTY_AVAILABILITY_AVAILABLE && count > 0)
          lost.count = count;
        if (place_loss (port, msg, &lost.loss))
          g_array_append_val (shard->result->lost_packets, lost);
        break;
      }

    default:
      break;
    }
}

/* What handle_event() corrected or left out on a port, once it is read: one message each. */
static void
report_port_anomalies (Shard     *shard,
                       PortState *port)
{
  g_autofree char *label = NULL;

  if (port->backwards == 0 && port->timeless == 0 && port->uncounted == 0 && port->bad_cpus == 0)
    return;
  label = strata_decode_stream_label (port->stream);
  if (port->bad_cpus > 0)
    g_ptr_array_add (shard->result->errors, g_strdup_printf (
      ngettext ("%s: stream %s: %" PRIu64 " packet names CPU %" PRIu64 ", more than any machine has; its events are kept on the stream's CPU",
                "%s: stream %s: %" PRIu64 " packets name CPUs such as %" PRIu64 ", more than any machine has; their events are kept on the stream's CPU",
                port->bad_cpus),
      shard->display_path, label, port->bad_cpus, port->bad_cpu));
  if (port->backwards > 0)
    {
      g_autofree char *by = strata_time_format_duration (port->max_back_ns);

      g_ptr_array_add (shard->result->errors, g_strdup_printf (
        ngettext ("%s: stream %s: %" PRIu64 " event is dated earlier than the event before it (by up to %s); it is kept at the time of that event",
                  "%s: stream %s: %" PRIu64 " events are dated earlier than the event before them (by up to %s); they are kept at the time of that event",
                  port->backwards),
        shard->display_path, label, port->backwards, by));
    }
  if (port->timeless > 0)
    g_ptr_array_add (shard->result->errors, g_strdup_printf (
      ngettext ("%s: stream %s: %" PRIu64 " event has a time out of range (before the clock's origin, or over 146 years after it); it is left out",
                "%s: stream %s: %" PRIu64 " events have a time out of range (before the clock's origin, or over 146 years after it); they are left out",
                port->timeless),
      shard->display_path, label, port->timeless));
  if (port->uncounted > 0)
    g_ptr_array_add (shard->result->errors,
                     g_strdup_printf (_("%s: stream %s: the tracer discarded events that are not counted (their number is not in the trace)"),
                                      shard->display_path, label));
}

static bt_component_class_initialize_method_status
sink_initialize (bt_self_component_sink               *self,
                 bt_self_component_sink_configuration *config,
                 const bt_value                       *params,
                 void                                 *data)
{
  Shard *shard = data;

  bt_self_component_set_data (bt_self_component_sink_as_self_component (self), shard);
  for (guint i = 0; i < shard->ports->len; i++)
    {
      char name[32];

      g_snprintf (name, sizeof name, "in%u", i);
      if (bt_self_component_sink_add_input_port (self, name, NULL, NULL) !=
          BT_SELF_COMPONENT_ADD_PORT_STATUS_OK)
        return BT_COMPONENT_CLASS_INITIALIZE_METHOD_STATUS_ERROR;
    }
  return BT_COMPONENT_CLASS_INITIALIZE_METHOD_STATUS_OK;
}

static bt_component_class_sink_graph_is_configured_method_status
sink_graph_is_configured (bt_self_component_sink *self)
{
  Shard *shard = bt_self_component_get_data (bt_self_component_sink_as_self_component (self));

  for (guint i = 0; i < shard->ports->len; i++)
    {
      PortState *port = &g_array_index (shard->ports, PortState, i);
      bt_self_component_port_input *in = bt_self_component_sink_borrow_input_port_by_index (self, i);

      if (bt_message_iterator_create_from_sink_component (self, in, &port->iterator) !=
          BT_MESSAGE_ITERATOR_CREATE_FROM_SINK_COMPONENT_STATUS_OK)
        return BT_COMPONENT_CLASS_SINK_GRAPH_IS_CONFIGURED_METHOD_STATUS_ERROR;
    }
  return BT_COMPONENT_CLASS_SINK_GRAPH_IS_CONFIGURED_METHOD_STATUS_OK;
}

static void
sink_finalize (bt_self_component_sink *self)
{
  Shard *shard = bt_self_component_get_data (bt_self_component_sink_as_self_component (self));

  for (guint i = 0; i < shard->ports->len; i++)
    bt_message_iterator_put_ref (g_array_index (shard->ports, PortState, i).iterator);
}

/*
 * libbabeltrace2 sometimes appends an error cause and still returns a status that is not an
 * error; its next call on the thread then aborts ("API function called while current thread
 * has an error"). After each call that can do so, take such an error, and say it once.
 */
static void
take_stale_error (Shard *shard)
{
  const bt_error *error = bt_current_thread_take_error ();
  g_autofree char *cause = NULL;

  if (error == NULL)
    return;
  bt_current_thread_move_error (error);
  cause = _strata_decoder_take_error ();
  if (!shard->stale_said)
    {
      shard->stale_said = TRUE;
      g_ptr_array_add (shard->result->errors,
                       g_strdup_printf (_("%s: libbabeltrace2 reported an error while reading, and went on (%s); some events may be missing"),
                                        shard->display_path, cause));
    }
}

/* One batch from one stream per call, streams in turn, so that cancellation stays prompt. */
static bt_component_class_sink_consume_method_status
sink_consume (bt_self_component_sink *self)
{
  Shard *shard = bt_self_component_get_data (bt_self_component_sink_as_self_component (self));
  guint n = shard->ports->len;

  for (guint tries = 0; tries < n; tries++)
    {
      PortState *port = &g_array_index (shard->ports, PortState, shard->next_port);
      bt_message_iterator_next_status status;
      bt_message_array_const msgs;
      uint64_t count = 0;

      shard->next_port = (shard->next_port + 1) % n;
      if (port->ended)
        continue;

      /* What libbabeltrace2 allocates in there is its own to free: when a stream stops in the
       * middle of an event (a sequence refused by strata-bt-guard.c), it keeps the event it
       * was filling. LeakSanitizer's suppression of libbabeltrace2 (.ci/lsan.supp) misses
       * such leaks when its fast unwinder stops in GLib's g_malloc0(), so they are not
       * tracked at all. */
      lsan_disable ();
      status = bt_message_iterator_next (port->iterator, &msgs, &count);
      lsan_enable ();
      if (status == BT_MESSAGE_ITERATOR_NEXT_STATUS_OK || status == BT_MESSAGE_ITERATOR_NEXT_STATUS_AGAIN ||
          status == BT_MESSAGE_ITERATOR_NEXT_STATUS_END)
        take_stale_error (shard);
      switch (status)
        {
        case BT_MESSAGE_ITERATOR_NEXT_STATUS_OK:
          {
            guint64 before = port->stream->events;

            for (uint64_t i = 0; i < count; i++)
              {
                handle_message (shard, port, msgs[i]);
                bt_message_put_ref (msgs[i]);
              }
            /* libbabeltrace2 hides packet sizes: count events at a typical size instead. */
            report_progress (shard->progress, (port->stream->events - before) * STRATA_BYTES_PER_EVENT);
            return BT_COMPONENT_CLASS_SINK_CONSUME_METHOD_STATUS_OK;
          }

        case BT_MESSAGE_ITERATOR_NEXT_STATUS_AGAIN:
          return BT_COMPONENT_CLASS_SINK_CONSUME_METHOD_STATUS_AGAIN;

        case BT_MESSAGE_ITERATOR_NEXT_STATUS_END:
          port->ended = TRUE;
          break;

        default:
          {
            StrataDecodeStop stop = { port->stream, port->packets, port->stream->events,
                                      port->stream->events > 0 ? port->stream->end_ns : 0,
                                      _strata_decoder_take_error () };

            /* Keep what this stream gave so far; the other streams go on. What its CPU did
             * after its last event read is not known, not the state it was last seen in,
             * unless the loader reads on past the packet that failed. */
            port->ended = TRUE;
            if (port->stream->events > 0 && port->stream->end_ns > 0)
              port->stream->cut_ns = port->stream->end_ns;
            g_array_append_val (shard->result->stops, stop);
            break;
          }
        }
    }

  for (guint i = 0; i < n; i++)
    if (!g_array_index (shard->ports, PortState, i).ended)
      return BT_COMPONENT_CLASS_SINK_CONSUME_METHOD_STATUS_OK;
  return BT_COMPONENT_CLASS_SINK_CONSUME_METHOD_STATUS_END;
}

gboolean
strata_decoder_init (GError **error)
{
  static gsize initialized;
  static gboolean ok;

  if (g_once_init_enter (&initialized))
    {
      const bt_plugin *plugin = NULL;

      g_mutex_lock (&plugin_lock);
      if (bt_plugin_find ("ctf", BT_TRUE, BT_TRUE, BT_TRUE, BT_TRUE, BT_FALSE, &plugin) ==
            BT_PLUGIN_FIND_STATUS_OK &&
          bt_plugin_borrow_source_component_class_by_name_const (plugin, "fs") != NULL)
        {
          /* Each shard loads it again from there, for classes of its own. */
          ctf_plugin_path = g_strdup (bt_plugin_get_path (plugin));
          ok = TRUE;
        }
      bt_plugin_put_ref (plugin);
      bt_current_thread_clear_error ();
      g_mutex_unlock (&plugin_lock);
      g_once_init_leave (&initialized, 1);
    }
  if (!ok)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                         _("The babeltrace2 CTF plugin (ctf) is not installed"));
  return ok;
}

/* The ctf plugin's source class and a sink class of ours, for one shard alone. */
static gboolean
classes_acquire (Classes *classes)
{
  memset (classes, 0, sizeof *classes);
  g_mutex_lock (&plugin_lock);
  if (ctf_plugin_path != NULL)
    {
      const bt_plugin_set *plugins = NULL;

      if (bt_plugin_find_all_from_file (ctf_plugin_path, BT_TRUE, &plugins) == BT_PLUGIN_FIND_ALL_FROM_FILE_STATUS_OK)
        {
          for (guint64 i = 0; i < bt_plugin_set_get_plugin_count (plugins) && classes->plugin == NULL; i++)
            {
              const bt_plugin *plugin = bt_plugin_set_borrow_plugin_by_index_const (plugins, i);

              if (g_strcmp0 (bt_plugin_get_name (plugin), "ctf") == 0)
                {
                  classes->plugin = plugin;
                  bt_plugin_get_ref (plugin);
                }
            }
          bt_plugin_set_put_ref (plugins);
        }
    }
  else
    bt_plugin_find ("ctf", BT_TRUE, BT_TRUE, BT_TRUE, BT_TRUE, BT_FALSE, &classes->plugin);
  if (classes->plugin != NULL)
    classes->fs = bt_plugin_borrow_source_component_class_by_name_const (classes->plugin, "fs");
  if (classes->fs != NULL)
    {
      classes->sink = bt_component_class_sink_create ("strata-sink", sink_consume);
      bt_component_class_sink_set_initialize_method (classes->sink, sink_initialize);
      bt_component_class_sink_set_graph_is_configured_method (classes->sink, sink_graph_is_configured);
      bt_component_class_sink_set_finalize_method (classes->sink, sink_finalize);
    }
  bt_current_thread_clear_error ();
  g_mutex_unlock (&plugin_lock);
  return classes->sink != NULL;
}

/* After the graph is gone: destroying the plugin's classes edits libbabeltrace2's list. */
static void
classes_release (Classes *classes)
{
  g_mutex_lock (&plugin_lock);
  bt_component_class_sink_put_ref (classes->sink);
  bt_plugin_put_ref (classes->plugin);
  g_mutex_unlock (&plugin_lock);
}

static void
shard_fail (Shard      *shard,
            const char *folder)
{
  const bt_error *error = bt_current_thread_take_error ();
  g_autoptr(GString) all = g_string_new (NULL);
  g_autofree char *clean = NULL;
  g_autofree char *clean2 = NULL;
  const char *root = NULL;
  const char *detail = NULL;
  guint64 n = error ? bt_error_get_cause_count (error) : 0;

  for (guint64 i = 0; i < n; i++)
    {
      const char *msg = bt_error_cause_get_message (bt_error_borrow_cause_by_index (error, i));

      g_string_append (all, msg);
      g_string_append_c (all, '\n');
      if (msg == NULL || *msg == '\0')
        continue;
      if (root == NULL)
        root = clean = _strata_decoder_clean_cause (_strata_decoder_strata_cause (error) ? _strata_decoder_strata_cause (error) : msg);
      else if (detail == NULL)
        detail = clean2 = _strata_decoder_clean_cause (msg);
    }
  shard->result->failed = TRUE;
  shard->result->bad_file = _strata_decoder_find_blamed_file (folder, all->str);
  if (shard->result->bad_file != NULL)
    g_ptr_array_add (shard->result->errors,
                     g_strdup_printf (_("%s: stream file %s is damaged or truncated: %s"),
                                      shard->display_path, shard->result->bad_file,
                                      root ? root : _("unknown error")));
  else
    {
      g_autofree char *why = _strata_decoder_diagnose_metadata (folder);

      if (detail != NULL && !g_str_has_prefix (detail, "Component initialization"))
        g_ptr_array_add (shard->result->errors,
                         g_strdup_printf (_("%s: cannot open the trace: %s: %s (%s)"),
                                          shard->display_path, why, root, detail));
      else
        g_ptr_array_add (shard->result->errors,
                         g_strdup_printf (_("%s: cannot open the trace: %s: %s"),
                                          shard->display_path, why,
                                          root ? root : _("unknown error")));
    }
  if (error != NULL)
    bt_error_release (error);
}

/* Port names and libbabeltrace2's messages hold the folder libbabeltrace2 read: name the
 * trace folder instead. */
static void
rename_streams (StrataShardResult *result,
                const char        *folder,
                const char        *display_path)
{
  if (strcmp (folder, display_path) == 0)
    return;
  for (guint i = 0; i < result->errors->len; i++)
    {
      GString *message = g_string_new (g_ptr_array_index (result->errors, i));

      g_string_replace (message, folder, display_path, 0);
      g_free (g_ptr_array_index (result->errors, i));
      g_ptr_array_index (result->errors, i) = g_string_free (message, FALSE);
    }
  for (guint i = 0; i < result->stops->len; i++)
    {
      StrataDecodeStop *stop = &g_array_index (result->stops, StrataDecodeStop, i);
      GString *cause = g_string_new (stop->cause);

      g_string_replace (cause, folder, display_path, 0);
      g_free (stop->cause);
      stop->cause = g_string_free (cause, FALSE);
    }
  for (guint i = 0; i < result->streams->len; i++)
    {
      StrataStream *stream = g_ptr_array_index (result->streams, i);
      GString *name = g_string_new (stream->name);

      g_string_replace (name, folder, display_path, 0);
      g_free (stream->name);
      stream->name = g_string_free (name, FALSE);
    }
}

/* The shard that reads port @i, named @name. */
static guint
port_shard (const char *name,
            guint64     i,
            guint       n_shards,
            GHashTable *plan)
{
  g_autofree char *key = plan != NULL ? strata_port_key (name) : NULL;
  guint shard = key != NULL ? GPOINTER_TO_UINT (g_hash_table_lookup (plan, key)) : 0;

  if (shard != 0)
    return shard - 1;
  return i % MAX (n_shards, 1);
}

static void
stop_clear (gpointer data)
{
  g_free (((StrataDecodeStop *) data)->cause);
}

/* Reads the ports of @folder that are @shard_index's into streams of the result; or, with
 * @resume, its one port into @resume. */
static StrataShardResult *
decode_folder (const char           *folder,
               const char           *display_path,
               guint                 shard_index,
               guint                 n_shards,
               GHashTable           *plan,
               StrataStream         *resume,
               StrataStrtab         *strings,
               StrataDecodeProgress *progress)
{
  StrataShardResult *result = g_new0 (StrataShardResult, 1);
  Shard shard = { 0 };
  Classes classes = { 0 };
  bt_graph *graph = NULL;
  const bt_component_source *source = NULL;
  const bt_component_sink *sink = NULL;
  bt_value *params = NULL;
  bt_value *inputs = NULL;
  GError *init_error = NULL;
  guint64 n_out;

  result->streams = g_ptr_array_new_with_free_func ((GDestroyNotify) strata_stream_free);
  result->port_indices = g_array_new (FALSE, FALSE, sizeof (guint));
  result->errors = g_ptr_array_new_with_free_func (g_free);
  result->stops = g_array_new (FALSE, FALSE, sizeof (StrataDecodeStop));
  result->lost_packets = g_array_new (FALSE, FALSE, sizeof (StrataDecodeLostPackets));
  result->first_losses = g_array_new (FALSE, FALSE, sizeof (StrataDecodeFirstLoss));
  g_array_set_clear_func (result->stops, stop_clear);

  shard.display_path = display_path;
  shard.result = result;
  shard.strings = strings;
  shard.progress = progress;
  shard.classes = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  shard.names = g_new0 (NameEntry, NAME_CACHE);
  shard.ports = g_array_new (FALSE, TRUE, sizeof (PortState));

  /* libbabeltrace2's functions refuse to run with an error on the thread. */
  bt_current_thread_clear_error ();
  if (!strata_decoder_init (&init_error) || !classes_acquire (&classes))
    {
      result->failed = TRUE;
      g_ptr_array_add (result->errors, g_strdup_printf ("%s: %s", display_path,
                                                        init_error ? init_error->message
                                                                   : _("The babeltrace2 CTF plugin (ctf) cannot be loaded")));
      g_clear_error (&init_error);
      goto out;
    }

  graph = bt_graph_create (0);
  params = bt_value_map_create ();
  bt_value_map_insert_empty_array_entry (params, "inputs", &inputs);
  bt_value_array_append_string_element (inputs, folder);

  /* This parses the metadata and indexes the stream files: no lock is held. */
  if (bt_graph_add_source_component (graph, classes.fs, "source", params, BT_LOGGING_LEVEL_NONE,
                                     &source) != BT_GRAPH_ADD_COMPONENT_STATUS_OK)
    {
      shard_fail (&shard, folder);
      goto out;
    }
  take_stale_error (&shard);

  n_out = bt_component_source_get_output_port_count (source);
  result->n_ports = n_out;
  for (guint64 i = 0; i < n_out; i++)
    {
      const bt_port_output *out = bt_component_source_borrow_output_port_by_index_const (source, i);
      const char *name = bt_port_get_name (bt_port_output_as_port_const (out));
      PortState port = { 0 };
      guint idx = i;

      if (resume != NULL)
        {
          /* Read on after the events kept: the time between is lost, up to the next event,
           * and the stream's checks (times going backwards) go on from its last one. */
          StrataLoss loss = { resume->end_ns, G_MAXINT64, 0 };

          if (n_out != 1)
            break;
          port.port_index = i;
          port.stream = resume;
          port.has_last = resume->events > 0 && resume->end_ns > 0;
          port.last_ns = resume->end_ns;
          port.resumed = TRUE;
          if (port.has_last)
            {
              g_array_append_val (resume->losses, loss);
              port.loss_open = TRUE;
              port.loss_index = resume->losses->len - 1;
            }
          g_array_append_val (shard.ports, port);
          shard.env_done = TRUE;
          continue;
        }
      if (port_shard (name, i, n_shards, plan) != shard_index)
        continue;
      port.port_index = i;
      port.stream = strata_stream_new (name);
      g_array_append_val (shard.ports, port);
      g_ptr_array_add (result->streams, port.stream);
      g_array_append_val (result->port_indices, idx);
    }

  if (shard.ports->len == 0)
    goto out;

  if (bt_graph_add_sink_component_with_initialize_method_data (graph, classes.sink, "sink", NULL, &shard,
                                                               BT_LOGGING_LEVEL_NONE, &sink) !=
      BT_GRAPH_ADD_COMPONENT_STATUS_OK)
    {
      shard_fail (&shard, folder);
      goto out;
    }
  take_stale_error (&shard);

  for (guint i = 0; i < shard.ports->len; i++)
    {
      PortState *port = &g_array_index (shard.ports, PortState, i);
      const bt_port_output *out =
        bt_component_source_borrow_output_port_by_index_const (source, port->port_index);
      const bt_port_input *in = bt_component_sink_borrow_input_port_by_index_const (sink, i);

      if (bt_graph_connect_ports (graph, out, in, NULL) != BT_GRAPH_CONNECT_PORTS_STATUS_OK)
        {
          shard_fail (&shard, folder);
          goto out;
        }
      take_stale_error (&shard);
    }

  for (;;)
    {
      bt_graph_run_once_status status;

      if (progress != NULL && g_cancellable_is_cancelled (progress->cancellable))
        break;
      status = bt_graph_run_once (graph);
      if (status == BT_GRAPH_RUN_ONCE_STATUS_END)
        break;
      if (status == BT_GRAPH_RUN_ONCE_STATUS_AGAIN)
        {
          take_stale_error (&shard);
          g_usleep (1000);
          continue;
        }
      if (status != BT_GRAPH_RUN_ONCE_STATUS_OK)
        {
          g_autofree char *cause = _strata_decoder_take_error ();

          g_ptr_array_add (result->errors,
                           g_strdup_printf (_("%s: reading stopped: %s"), display_path, cause));
          break;
        }
      take_stale_error (&shard);
    }

  for (guint i = 0; i < shard.ports->len; i++)
    report_port_anomalies (&shard, &g_array_index (shard.ports, PortState, i));

out:
  bt_value_put_ref (params);
  /* The graph holds the shard's classes: they are destroyed with the plugin, after it. */
  bt_graph_put_ref (graph);
  if (classes.plugin != NULL)
    classes_release (&classes);
  bt_current_thread_clear_error ();
  rename_streams (result, folder, display_path);
  g_hash_table_unref (shard.classes);
  g_free (shard.names);
  g_array_unref (shard.ports);
  return result;
}

StrataShardResult *
strata_decode_shard (const char           *folder,
                     const char           *display_path,
                     guint                 shard_index,
                     guint                 n_shards,
                     GHashTable           *plan,
                     StrataStrtab         *strings,
                     StrataDecodeProgress *progress)
{
  return decode_folder (folder, display_path, shard_index, n_shards, plan, NULL, strings, progress);
}

StrataShardResult *
strata_decode_resume (const char           *folder,
                      const char           *display_path,
                      StrataStream         *stream,
                      StrataStrtab         *strings,
                      StrataDecodeProgress *progress)
{
  StrataShardResult *result;
  guint n_losses;

  g_return_val_if_fail (stream != NULL, NULL);

  n_losses = stream->losses->len;
  result = decode_folder (folder, display_path, 0, 1, NULL, stream, strings, progress);
  /* No event read after the loss: it has no end, and the stream still stops where it did. */
  if (stream->losses->len > n_losses && g_array_index (stream->losses, StrataLoss, n_losses).end_ns == G_MAXINT64)
    g_array_remove_index (stream->losses, n_losses);
  return result;
}

void
strata_shard_result_free (StrataShardResult *result)
{
  if (result == NULL)
    return;
  g_ptr_array_unref (result->streams);
  g_array_unref (result->port_indices);
  g_ptr_array_unref (result->errors);
  g_array_unref (result->stops);
  g_array_unref (result->lost_packets);
  g_array_unref (result->first_losses);
  g_free (result->hostname);
  g_free (result->domain);
  g_free (result->tracer);
  g_free (result->kernel_release);
  g_free (result->clock_uuid);
  g_free (result->session_name);
  g_free (result->session_time);
  g_free (result->bad_file);
  g_free (result);
}
