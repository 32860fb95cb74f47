/* strata-ctf-check.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-ctf-check"

#include "config.h"

#include <inttypes.h>

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "strata-ctf-check.h"

/* A packetized metadata file is mostly padding (350 KB of text in 3 MB); past this, it is
 * not metadata. */
#define MAX_METADATA_FILE   (128 * 1024 * 1024)
/* Comments beyond this are staged away: libbabeltrace2 2.0's lexer is quadratic in them. */
#define MAX_COMMENT_BYTES   (64 * 1024)
/* A packet header and context larger than this is damage. */
#define MAX_PREAMBLE        (1024 * 1024)
/* libbabeltrace2 makes a field object (about 100 bytes, and their time) per element of a
 * fixed-length array when it decodes an event: an event class needing more is refused. An
 * LTTng event has tens of fields, and its arrays a few hundred bytes at most. */
#define MAX_EVENT_ELEMENTS  (1u << 16)
/* Where a packet's size cannot be trusted, the next packets are looked for this many
 * packets further, on the grid of the sound packets before it. */
#define RESYNC_TRIES        8

#define METADATA_MAGIC      0x75D11D57u
#define METADATA_HEADER     37
#define INDEX_MAGIC         0xC1F1DCC1u
#define INDEX_HEADER        16
#define INDEX_ENTRY_1_0     56

/* ---- files ---- */

int
strata_open_regular (const char *path,
                     GStatBuf   *st)
{
  int fd = open (path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  int flags;

  if (fd < 0)
    return -1;
  if (fstat (fd, st) != 0)
    {
      int saved = errno;

      close (fd);
      errno = saved;
      return -1;
    }
  if (!S_ISREG (st->st_mode))
    {
      close (fd);
      errno = EINVAL;
      return -1;
    }
  /* Regular files never block; reads should not return EAGAIN either. */
  if ((flags = fcntl (fd, F_GETFL)) >= 0)
    fcntl (fd, F_SETFL, flags & ~O_NONBLOCK);
  return fd;
}

static gboolean
pread_all (int      fd,
           guint8  *buf,
           gsize    len,
           guint64  offset)
{
  while (len > 0)
    {
      ssize_t n = pread (fd, buf, len, (off_t) offset);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      buf += n;
      len -= n;
      offset += n;
    }
  return TRUE;
}

static guint32
read_u32 (const guint8 *p,
          gboolean      big_endian)
{
  guint32 v;

  memcpy (&v, p, 4);
  return big_endian ? GUINT32_FROM_BE (v) : GUINT32_FROM_LE (v);
}

static guint64
read_be64 (const guint8 *p)
{
  guint64 v;

  memcpy (&v, p, 8);
  return GUINT64_FROM_BE (v);
}

static char *
format_size (guint64 bytes)
{
  return g_format_size_full (bytes, G_FORMAT_SIZE_IEC_UNITS);
}

char *
strata_ctf_load_metadata (const char  *folder,
                          gsize       *len,
                          gsize       *cut,
                          char       **error_message)
{
  g_autofree char *path = g_build_filename (folder, "metadata", NULL);
  g_autofree guint8 *data = NULL;
  GString *text;
  GStatBuf st;
  gsize size, at = 0;
  gboolean big_endian;
  int fd;

  if (cut != NULL)
    *cut = 0;
  if ((fd = strata_open_regular (path, &st)) < 0)
    {
      if (errno == EINVAL)
        *error_message = g_strdup (S_ISDIR (st.st_mode) ? _("its metadata is a folder, not a file")
                                                         : _("its metadata is not a regular file"));
      else
        *error_message = g_strdup_printf (_("its metadata file cannot be read (%s)"), g_strerror (errno));
      return NULL;
    }
  if (st.st_size == 0)
    {
      close (fd);
      *error_message = g_strdup (_("its metadata file is empty"));
      return NULL;
    }
  if (st.st_size > MAX_METADATA_FILE)
    {
      g_autofree char *has = format_size (st.st_size);
      g_autofree char *limit = format_size (MAX_METADATA_FILE);

      close (fd);
      *error_message = g_strdup_printf (_("its metadata file is %s, more than any trace's (at most %s are read)"),
                                        has, limit);
      return NULL;
    }
  /* What is read is capped by the file's size, even if it grows meanwhile. */
  size = st.st_size;
  data = g_malloc (size + 1);
  if (!pread_all (fd, data, size, 0))
    {
      int saved = errno;

      close (fd);
      *error_message = g_strdup_printf (_("its metadata file cannot be read (%s)"),
                                        saved ? g_strerror (saved) : _("it is shorter than it says"));
      return NULL;
    }
  close (fd);
  data[size] = '\0';

  if (size < 4 || (read_u32 (data, FALSE) != METADATA_MAGIC && read_u32 (data, TRUE) != METADATA_MAGIC))
    {
      *len = size;
      return (char *) g_steal_pointer (&data);
    }

  /* Packetized: a 37-byte header, then text up to content_size, then padding. */
  big_endian = read_u32 (data, TRUE) == METADATA_MAGIC;
  text = g_string_sized_new (MIN (size, 1024 * 1024));
  while (at + METADATA_HEADER <= size && read_u32 (data + at, big_endian) == METADATA_MAGIC)
    {
      guint64 content = read_u32 (data + at + 24, big_endian) / 8;
      guint64 packet = read_u32 (data + at + 28, big_endian) / 8;

      if (content < METADATA_HEADER || packet < content || packet > size - at)
        break;
      g_string_append_len (text, (const char *) data + at + METADATA_HEADER, content - METADATA_HEADER);
      at += packet;
    }
  if (cut != NULL)
    *cut = size - at;
  *len = text->len;
  return g_string_free (text, FALSE);
}

/* ---- packets ---- */

void
strata_stream_check_free (StrataStreamCheck *check)
{
  if (check == NULL)
    return;
  g_free (check->file);
  if (check->packets != NULL)
    g_array_unref (check->packets);
  g_free (check->reason);
  g_free (check->index_problem);
  g_free (check->duplicate_of);
  g_free (check);
}

typedef struct
{
  StrataTsdl   *tsdl;
  StrataCtfRead read;
  gpointer      data;
  guint64       size;
  guint8       *buf;
  gsize         buf_len;
  gint          file_class;     /* the stream class of the file's packets; -1 until known */
} Walk;

/*
 * Decodes the packet at @offset and checks it. Returns FALSE when its size cannot be known
 * (the next packet cannot be found from it). Sets @why when it is not sound.
 */
static gboolean
examine (Walk            *w,
         guint64          offset,
         StrataCtfPacket *pkt,
         char           **why)
{
  guint64 left = w->size - offset;
  gsize want = MIN (left, 256);
  StrataPacketInfo info;
  StrataDecodeStatus status;
  guint64 packet_bits, content_bits;
  g_autofree char *reason = NULL;

  memset (pkt, 0, sizeof *pkt);
  pkt->offset = offset;
  *why = NULL;

  for (;;)
    {
      if (want > w->buf_len)
        {
          w->buf_len = want;
          w->buf = g_realloc (w->buf, w->buf_len);
        }
      if (!w->read (w->data, offset, w->buf, want))
        {
          *why = g_strdup (_("the file cannot be read there"));
          return FALSE;
        }
      g_clear_pointer (&reason, g_free);
      status = strata_tsdl_decode_packet (w->tsdl, w->buf, want, &info, &reason);
      if (status != STRATA_DECODE_SHORT)
        break;
      if (want >= left)
        {
          *why = g_strdup (_("the file ends inside a packet header"));
          return FALSE;
        }
      if (want >= MAX_PREAMBLE)
        {
          *why = g_strdup (_("a packet header and context of more than 1 MiB"));
          return FALSE;
        }
      want = MIN (MIN (left, (guint64) want * 4), MAX_PREAMBLE);
    }
  if (status == STRATA_DECODE_BAD)
    {
      *why = g_steal_pointer (&reason);
      return FALSE;
    }

  pkt->stream_class = info.stream_class;
  if (w->file_class >= 0 && (gint) info.stream_class != w->file_class)
    {
      /* libbabeltrace2 reads a file as one stream, of its first packet's class. */
      *why = g_strdup_printf (_("a packet of stream class %u in a file of stream class %d"),
                              info.stream_class, w->file_class);
      return FALSE;
    }

  /* libbabeltrace2 takes a missing packet_size from content_size, and the other way round;
   * with neither, the packet is the rest of the file. */
  packet_bits = info.size[STRATA_PF_PACKET_SIZE] ? info.value[STRATA_PF_PACKET_SIZE]
              : info.size[STRATA_PF_CONTENT_SIZE] ? info.value[STRATA_PF_CONTENT_SIZE]
              : left * 8;
  content_bits = info.size[STRATA_PF_CONTENT_SIZE] ? info.value[STRATA_PF_CONTENT_SIZE] : packet_bits;
  if (packet_bits / 8 > left)
    {
      *why = g_strdup_printf (_("a packet declares a size of %" PRIu64 " bits, past the end of the file"),
                              packet_bits);
      return FALSE;
    }
  if (packet_bits == 0 || packet_bits % 8 != 0 || packet_bits < info.preamble_bits)
    {
      *why = g_strdup_printf (_("a packet declares an impossible size of %" PRIu64 " bits"), packet_bits);
      return FALSE;
    }
  if (content_bits > packet_bits || content_bits < info.preamble_bits)
    {
      *why = g_strdup_printf (_("a packet declares %" PRIu64 " bits of content in %" PRIu64 " bits"),
                              content_bits, packet_bits);
      return FALSE;
    }
  pkt->size = packet_bits / 8;

  /* From here on the packet's size is sound: the next one can be found. libbabeltrace2 takes
   * a value of all ones for "none", and then asserts when an earlier packet had one. */
  if ((info.size[STRATA_PF_EVENTS_DISCARDED] == 64 && info.value[STRATA_PF_EVENTS_DISCARDED] == G_MAXUINT64) ||
      (info.size[STRATA_PF_PACKET_SEQ_NUM] == 64 && info.value[STRATA_PF_PACKET_SEQ_NUM] == G_MAXUINT64))
    *why = g_strdup (_("a packet holds an impossible counter value"));
  else if ((info.size[STRATA_PF_TIMESTAMP_BEGIN] == 64 && info.value[STRATA_PF_TIMESTAMP_BEGIN] == G_MAXUINT64) ||
           (info.size[STRATA_PF_TIMESTAMP_END] == 64 && info.value[STRATA_PF_TIMESTAMP_END] == G_MAXUINT64))
    *why = g_strdup (_("a packet holds an impossible timestamp (all bits set)"));
  else if (info.size[STRATA_PF_STREAM_INSTANCE_ID] == 64 && info.value[STRATA_PF_STREAM_INSTANCE_ID] == G_MAXUINT64)
    *why = g_strdup (_("a packet holds an impossible stream instance id"));
  else if (info.size[STRATA_PF_CPU_ID] != 0 && info.value[STRATA_PF_CPU_ID] >= STRATA_MAX_CPUS)
    *why = g_strdup_printf (_("a packet names CPU %" PRIu64 ", and no machine has that many"),
                            info.value[STRATA_PF_CPU_ID]);
  else if (info.size[STRATA_PF_TIMESTAMP_BEGIN] != 0 && info.size[STRATA_PF_TIMESTAMP_END] != 0 &&
           strata_tsdl_stream_has_clock (w->tsdl, info.stream_class))
    {
      gint64 ns;

      if (!strata_tsdl_cycles_to_ns (w->tsdl, info.stream_class, info.value[STRATA_PF_TIMESTAMP_BEGIN], &ns) ||
          !strata_tsdl_cycles_to_ns (w->tsdl, info.stream_class, info.value[STRATA_PF_TIMESTAMP_END], &ns))
        *why = g_strdup (_("a packet's time does not fit in the clock's range"));
    }

  if (info.size[STRATA_PF_TIMESTAMP_BEGIN] != 0 && info.size[STRATA_PF_TIMESTAMP_END] != 0)
    {
      pkt->has_ts = TRUE;
      pkt->ts_begin = info.value[STRATA_PF_TIMESTAMP_BEGIN];
      pkt->ts_end = info.value[STRATA_PF_TIMESTAMP_END];
    }
  if (info.size[STRATA_PF_CPU_ID] != 0)
    {
      pkt->has_cpu = TRUE;
      pkt->cpu = (guint32) MIN (info.value[STRATA_PF_CPU_ID], G_MAXUINT32);
    }
  if (info.size[STRATA_PF_STREAM_INSTANCE_ID] != 0)
    {
      pkt->has_instance = TRUE;
      pkt->instance = info.value[STRATA_PF_STREAM_INSTANCE_ID];
    }
  if (info.size[STRATA_PF_PACKET_SEQ_NUM] != 0)
    {
      pkt->has_seq = TRUE;
      pkt->seq = info.value[STRATA_PF_PACKET_SEQ_NUM];
    }
  if (info.size[STRATA_PF_EVENTS_DISCARDED] != 0)
    {
      pkt->has_discarded = TRUE;
      pkt->discarded = info.value[STRATA_PF_EVENTS_DISCARDED];
    }
  pkt->sound = *why == NULL;
  return TRUE;
}

static void
note_bad (StrataStreamCheck *check,
          guint64            offset,
          char              *why)
{
  check->n_bad++;
  if (check->reason == NULL || offset < check->reason_offset)
    {
      g_free (check->reason);
      check->reason = why;
      check->reason_offset = offset;
    }
  else
    g_free (why);
}

/* A stream file is one CPU's: a packet naming another CPU than most of the file's is
 * damaged (a layout that does not match the metadata gives such values). */
static void
check_cpus (StrataStreamCheck *check)
{
  g_autoptr(GHashTable) counts = g_hash_table_new (NULL, NULL);
  guint32 best = 0;
  guint best_count = 0;

  for (guint i = 0; i < check->packets->len; i++)
    {
      StrataCtfPacket *p = &g_array_index (check->packets, StrataCtfPacket, i);
      guint n;

      if (!p->sound || !p->has_cpu)
        continue;
      n = GPOINTER_TO_UINT (g_hash_table_lookup (counts, GUINT_TO_POINTER (p->cpu + 1))) + 1;
      g_hash_table_insert (counts, GUINT_TO_POINTER (p->cpu + 1), GUINT_TO_POINTER (n));
      if (n > best_count)
        {
          best = p->cpu;
          best_count = n;
        }
    }
  if (g_hash_table_size (counts) <= 1)
    return;
  for (guint i = 0; i < check->packets->len; i++)
    {
      StrataCtfPacket *p = &g_array_index (check->packets, StrataCtfPacket, i);

      if (p->sound && p->has_cpu && p->cpu != best)
        {
          p->sound = FALSE;
          check->sound_bytes -= p->size;
          note_bad (check, p->offset,
                    g_strdup_printf (_("a packet names CPU %u, the file's other packets CPU %u"), p->cpu, best));
        }
    }
}

gboolean
strata_ctf_walk_packets (StrataTsdl        *tsdl,
                         StrataCtfRead      read,
                         gpointer           data,
                         guint64            size,
                         StrataStreamCheck *check)
{
  Walk w = { tsdl, read, data, size, NULL, 0, -1 };
  guint64 offset = 0;
  guint64 grid_end = 0, grid_step = 0;     /* the last sound packet's end and size */

  if (check->packets == NULL)
    check->packets = g_array_new (FALSE, FALSE, sizeof (StrataCtfPacket));
  check->size = size;
  check->lost_from = G_MAXUINT64;

  while (offset < size)
    {
      StrataCtfPacket pkt;
      char *why = NULL;
      gboolean sized = examine (&w, offset, &pkt, &why);

      if (sized)
        g_array_append_val (check->packets, pkt);
      if (why == NULL)
        {
          if (w.file_class < 0)
            w.file_class = pkt.stream_class;
          check->sound_bytes += pkt.size;
          grid_end = offset + pkt.size;
          grid_step = pkt.size;
          offset += pkt.size;
          continue;
        }
      note_bad (check, offset, why);
      if (sized)
        {
          offset += pkt.size;
          continue;
        }

      /* The size is not to be trusted: look for the next packet where the sound packets
       * before would put it (LTTng's packets of one file have one size), or, with none
       * before, at the sizes LTTng's packets have (powers of two). */
      {
        guint64 next = G_MAXUINT64;

        for (guint k = 1; k <= RESYNC_TRIES + 24 && next == G_MAXUINT64; k++)
          {
            guint64 candidate;
            StrataCtfPacket probe;
            char *probe_why = NULL;

            if (grid_step > 0 && k <= RESYNC_TRIES)
              candidate = grid_end + k * grid_step;
            else if (grid_step == 0 && k > RESYNC_TRIES)
              candidate = offset + (G_GUINT64_CONSTANT (256) << (k - RESYNC_TRIES - 1));
            else
              continue;
            if (candidate <= offset)
              continue;
            if (candidate >= size)
              break;
            if (examine (&w, candidate, &probe, &probe_why) && probe_why == NULL)
              next = candidate;
            g_free (probe_why);
          }
        if (next == G_MAXUINT64)
          {
            check->lost_from = offset;
            break;
          }
        offset = next;
      }
    }
  g_free (w.buf);
  check_cpus (check);
  return check->n_bad == 0 && check->lost_from == G_MAXUINT64;
}

/* ---- index files ---- */

/* index/FILE.idx, compared with the packets it describes: libbabeltrace2 seeks to what it
 * says without checking it against the file. */
static char *
check_index (StrataTsdl        *tsdl,
             const char        *folder,
             StrataStreamCheck *check)
{
  g_autofree char *name = g_strconcat (check->file, ".idx", NULL);
  g_autofree char *path = g_build_filename (folder, "index", name, NULL);
  g_autofree guint8 *data = NULL;
  GStatBuf st;
  guint32 entry_len, minor;
  guint64 n_entries;
  gsize size;
  int fd;

  if (g_lstat (path, &st) != 0 && errno == ENOENT)
    return NULL;
  if ((fd = strata_open_regular (path, &st)) < 0)
    return g_strdup (errno == EINVAL ? _("it is not a regular file") : g_strerror (errno));
  /* No index is bigger than a header and an entry per packet. */
  if ((guint64) st.st_size > INDEX_HEADER + (guint64) (check->packets->len + 1) * 1024)
    {
      close (fd);
      return g_strdup (_("it is bigger than an index of this file can be"));
    }
  size = st.st_size;
  data = g_malloc0 (MAX (size, 1));
  if (!pread_all (fd, data, size, 0))
    {
      close (fd);
      return g_strdup (_("it cannot be read"));
    }
  close (fd);

  if (size < INDEX_HEADER || read_u32 (data, TRUE) != INDEX_MAGIC)
    return g_strdup (_("it is not an LTTng index"));
  if (read_u32 (data + 4, TRUE) != 1)
    return g_strdup (_("its version is not 1"));
  minor = read_u32 (data + 8, TRUE);
  entry_len = read_u32 (data + 12, TRUE);
  if (entry_len < INDEX_ENTRY_1_0 || (size - INDEX_HEADER) % entry_len != 0)
    return g_strdup (_("its entries have an impossible size"));
  n_entries = (size - INDEX_HEADER) / entry_len;
  if (n_entries != check->packets->len)
    return g_strdup_printf (_("it lists %" PRIu64 " packets, and the file has %u"),
                            n_entries, check->packets->len);
  for (guint64 i = 0; i < n_entries; i++)
    {
      const guint8 *e = data + INDEX_HEADER + i * entry_len;
      const StrataCtfPacket *p = &g_array_index (check->packets, StrataCtfPacket, i);
      guint64 begin = read_be64 (e + 24), end = read_be64 (e + 32);
      gint64 ns;

      if (read_be64 (e) != p->offset || read_be64 (e + 8) != p->size * 8)
        return g_strdup_printf (_("its entry %" PRIu64 " does not match packet %" PRIu64 " of the file"),
                                i, i);
      if (end < begin || (p->has_ts && (begin != p->ts_begin || end != p->ts_end)))
        return g_strdup_printf (_("its entry %" PRIu64 " has times the packet does not have"), i);
      if (strata_tsdl_stream_has_clock (tsdl, p->stream_class) &&
          (!strata_tsdl_cycles_to_ns (tsdl, p->stream_class, begin, &ns) ||
           !strata_tsdl_cycles_to_ns (tsdl, p->stream_class, end, &ns)))
        return g_strdup_printf (_("its entry %" PRIu64 " has times out of the clock's range"), i);
    }
  (void) minor;
  return NULL;
}

/* g_ptr_array_sort () passes pointers to the elements. */
static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* ---- a whole trace ---- */

void
strata_trace_check_free (StrataTraceCheck *check)
{
  if (check == NULL)
    return;
  g_free (check->folder);
  strata_tsdl_free (check->tsdl);
  g_free (check->failure);
  g_ptr_array_unref (check->streams);
  g_ptr_array_unref (check->problems);
  g_free (check->metadata);
  g_free (check);
}

static gboolean
read_fd (gpointer  data,
         guint64   offset,
         guint8   *buf,
         gsize     len)
{
  return pread_all (GPOINTER_TO_INT (data), buf, len, offset);
}

static void
check_stream_file (StrataTraceCheck *check,
                   const char       *display_path,
                   const char       *name,
                   GCancellable     *cancellable)
{
  g_autofree char *path = g_build_filename (check->folder, name, NULL);
  StrataStreamCheck *s;
  GStatBuf st;
  int fd;

  /* libbabeltrace2 reads regular files only, and skips empty ones. A folder (index/) is
   * no stream; a link to nothing, a FIFO or a device where one would be is said. */
  if (g_stat (path, &st) != 0)
    {
      int saved = errno;

      g_ptr_array_add (check->problems,
                       g_strdup_printf (_("%s: %s cannot be read (%s); it is left out"),
                                        display_path, name, g_strerror (saved)));
      return;
    }
  if (!S_ISREG (st.st_mode) && !S_ISDIR (st.st_mode))
    g_ptr_array_add (check->problems,
                     g_strdup_printf (_("%s: %s is not a regular file (a FIFO, a device or a socket); it is left out"),
                                      display_path, name));
  if (!S_ISREG (st.st_mode) || st.st_size == 0)
    return;
  s = g_new0 (StrataStreamCheck, 1);
  s->file = g_strdup (name);
  s->lost_from = G_MAXUINT64;
  s->packets = g_array_new (FALSE, FALSE, sizeof (StrataCtfPacket));
  g_ptr_array_add (check->streams, s);
  if ((fd = strata_open_regular (path, &st)) < 0)
    {
      s->unreadable = TRUE;
      s->reason = g_strdup (g_strerror (errno));
      return;
    }
  strata_ctf_walk_packets (check->tsdl, read_fd, GINT_TO_POINTER (fd), st.st_size, s);
  close (fd);
  if (s->reason == NULL && s->lost_from == G_MAXUINT64)
    {
      s->index_problem = check_index (check->tsdl, check->folder, s);
      s->has_index = s->index_problem == NULL;
    }
  (void) cancellable;
}

static gboolean
same_bytes (const char *folder,
            const char *a,
            const char *b,
            guint64     size)
{
  g_autofree char *path_a = g_build_filename (folder, a, NULL);
  g_autofree char *path_b = g_build_filename (folder, b, NULL);
  g_autofree guint8 *buf_a = g_malloc (64 * 1024);
  g_autofree guint8 *buf_b = g_malloc (64 * 1024);
  gboolean same = TRUE;
  GStatBuf st;
  int fa = strata_open_regular (path_a, &st);
  int fb = strata_open_regular (path_b, &st);

  /* Their first and last 64 KiB: with every packet's size and times equal, enough. */
  for (guint part = 0; part < 2 && same && fa >= 0 && fb >= 0; part++)
    {
      gsize len = MIN (size, 64 * 1024);
      guint64 at = part == 0 ? 0 : size - len;

      same = pread_all (fa, buf_a, len, at) && pread_all (fb, buf_b, len, at) && memcmp (buf_a, buf_b, len) == 0;
    }
  if (fa >= 0)
    close (fa);
  if (fb >= 0)
    close (fb);
  return same && fa >= 0 && fb >= 0;
}

/* A stream file copied under another name would be read twice: keep the first. */
static void
check_duplicates (StrataTraceCheck *check)
{
  for (guint i = 0; i < check->streams->len; i++)
    {
      StrataStreamCheck *a = g_ptr_array_index (check->streams, i);

      if (a->unreadable || a->duplicate_of != NULL || a->packets->len == 0)
        continue;
      for (guint j = i + 1; j < check->streams->len; j++)
        {
          StrataStreamCheck *b = g_ptr_array_index (check->streams, j);
          gboolean same;

          if (b->unreadable || b->duplicate_of != NULL || b->size != a->size ||
              b->packets->len != a->packets->len)
            continue;
          same = TRUE;
          for (guint p = 0; p < a->packets->len && same; p++)
            {
              StrataCtfPacket *pa = &g_array_index (a->packets, StrataCtfPacket, p);
              StrataCtfPacket *pb = &g_array_index (b->packets, StrataCtfPacket, p);

              same = pa->offset == pb->offset && pa->size == pb->size && pa->ts_begin == pb->ts_begin &&
                     pa->ts_end == pb->ts_end && pa->cpu == pb->cpu && pa->sound == pb->sound;
            }
          if (same && same_bytes (check->folder, a->file, b->file, a->size))
            b->duplicate_of = g_strdup (a->file);
        }
    }
}

/* What a packet holds for events, at most, per stream class. */
static void
event_room (StrataTraceCheck *check,
            GArray           *room)
{
  g_array_set_size (room, strata_tsdl_n_stream_classes (check->tsdl));
  for (guint i = 0; i < check->streams->len; i++)
    {
      StrataStreamCheck *s = g_ptr_array_index (check->streams, i);

      for (guint p = 0; p < s->packets->len; p++)
        {
          StrataCtfPacket *pkt = &g_array_index (s->packets, StrataCtfPacket, p);

          if (pkt->sound && pkt->stream_class < room->len)
            g_array_index (room, guint64, pkt->stream_class) =
              MAX (g_array_index (room, guint64, pkt->stream_class), pkt->size * 8);
        }
    }
}

/*
 * Event classes that no packet of the trace can hold, or that would make libbabeltrace2
 * build millions of fields: their declarations are left out of the metadata libbabeltrace2
 * reads (an event of such a class then stops its stream, with a message).
 */
static void
check_events (StrataTraceCheck *check,
              const char       *display_path,
              const char       *text,
              gsize             len)
{
  g_autoptr(GArray) room = g_array_new (FALSE, TRUE, sizeof (guint64));
  g_autoptr(GString) kept = NULL;
  const StrataTsdlEvent *events;
  guint n_events, n_cut = 0;
  gsize copied = 0;

  event_room (check, room);
  events = strata_tsdl_events (check->tsdl, &n_events);
  for (guint i = 0; i < n_events; i++)
    {
      const StrataTsdlEvent *ev = &events[i];
      guint64 max_bits = ev->stream_class < room->len ? g_array_index (room, guint64, ev->stream_class) : 0;
      g_autofree char *why = NULL;

      if (ev->elements > MAX_EVENT_ELEMENTS)
        why = g_strdup_printf (_("its fields hold %" PRIu64 " values"), ev->elements);
      else if (max_bits > 0 && ev->min_bits > max_bits)
        why = g_strdup_printf (_("it takes at least %" PRIu64 " bits, and the largest packet of its stream has %" PRIu64),
                               ev->min_bits, max_bits);
      if (why == NULL)
        continue;
      if (kept == NULL)
        kept = g_string_new ("/* CTF 1.8 */\n");
      g_ptr_array_add (check->problems,
                       g_strdup_printf (_("%s: the metadata declares an impossible event class “%s” (id %" PRIu64 "): %s; events of that class cannot be read"),
                                        display_path, ev->name, ev->id, why));
      g_string_append_len (kept, text + copied, ev->text_begin - copied);
      copied = ev->text_end;
      n_cut++;
    }
  if (kept != NULL)
    {
      g_string_append_len (kept, text + copied, len - copied);
      g_free (check->metadata);
      check->metadata_len = kept->len;
      check->metadata = g_string_free (g_steal_pointer (&kept), FALSE);
    }
  (void) n_cut;
}

static void
report_streams (StrataTraceCheck *check,
                const char       *display_path)
{
  for (guint i = 0; i < check->streams->len; i++)
    {
      StrataStreamCheck *s = g_ptr_array_index (check->streams, i);

      if (s->unreadable)
        g_ptr_array_add (check->problems,
                         g_strdup_printf (_("%s: stream file %s cannot be read (%s); it is left out"),
                                          display_path, s->file, s->reason));
      else if (s->reason != NULL && s->sound_bytes == 0)
        g_ptr_array_add (check->problems,
                         g_strdup_printf (_("%s: stream file %s is damaged or truncated at its start (%s); it is left out"),
                                          display_path, s->file, s->reason));
      else if (s->reason != NULL && s->n_bad == 1 && s->lost_from != G_MAXUINT64)
        g_ptr_array_add (check->problems,
                         g_strdup_printf (_("%s: stream file %s is damaged or truncated at byte %" PRIu64 " (%s); only the packets before it are read"),
                                          display_path, s->file, s->reason_offset, s->reason));
      else if (s->reason != NULL)
        g_ptr_array_add (check->problems,
                         g_strdup_printf (ngettext ("%s: stream file %s is damaged or truncated at byte %" PRIu64 " (%s); %u damaged packet is left out, and the rest is read",
                                                    "%s: stream file %s is damaged or truncated at byte %" PRIu64 " (%s); %u damaged packets are left out, and the rest is read",
                                                    s->n_bad),
                                          display_path, s->file, s->reason_offset, s->reason, s->n_bad));
      if (s->duplicate_of != NULL)
        g_ptr_array_add (check->problems,
                         g_strdup_printf (_("%s: stream file %s holds the same packets as %s (a copy); it is left out"),
                                          display_path, s->file, s->duplicate_of));
      else if (s->index_problem != NULL)
        g_ptr_array_add (check->problems,
                         g_strdup_printf (_("%s: index file index/%s.idx does not describe its stream file (%s); it is left out"),
                                          display_path, s->file, s->index_problem));
    }
}

/* Text that starts as TSDL does: damaged metadata rather than some other file. */
static gboolean
looks_like_tsdl (const char *text,
                 gsize       len)
{
  const char *p = text;
  const char *end = text + MIN (len, 64);

  while (p < end && g_ascii_isspace (*p))
    p++;
  return g_str_has_prefix (p, "/*") || g_str_has_prefix (p, "//") || g_str_has_prefix (p, "typealias") ||
         g_str_has_prefix (p, "typedef") || g_str_has_prefix (p, "trace") || g_str_has_prefix (p, "clock") ||
         g_str_has_prefix (p, "env") || g_str_has_prefix (p, "stream") || g_str_has_prefix (p, "struct") ||
         g_str_has_prefix (p, "event") || g_str_has_prefix (p, "enum");
}

StrataTraceCheck *
strata_ctf_check_trace (const char   *folder,
                        const char   *display_path,
                        GCancellable *cancellable)
{
  StrataTraceCheck *check = g_new0 (StrataTraceCheck, 1);
  g_autofree char *raw = NULL;
  g_autofree char *text = NULL;
  g_autofree char *error = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  gsize raw_len = 0, len = 0, comments = 0, cut = 0;
  guint n_sound = 0;
  const char *name;

  check->folder = g_strdup (folder);
  check->streams = g_ptr_array_new_with_free_func ((GDestroyNotify) strata_stream_check_free);
  check->problems = g_ptr_array_new_with_free_func (g_free);

  if ((raw = strata_ctf_load_metadata (folder, &raw_len, &cut, &error)) == NULL)
    {
      check->failure = g_strdup_printf (_("%s: cannot open the trace: %s"), display_path, error);
      return check;
    }
  /* CTF 2 is JSON: libbabeltrace2 2.1 reads it, and 2.0 cannot (the loader says so). */
  if (raw_len > 0 && raw[0] == 0x1e)
    return check;

  text = strata_tsdl_strip_comments (raw, raw_len, &len, &comments);
  if (len > STRATA_MAX_METADATA_TEXT)
    {
      g_autofree char *has = format_size (len);
      g_autofree char *limit = format_size (STRATA_MAX_METADATA_TEXT);

      check->failure = g_strdup_printf (_("%s: cannot open the trace: its metadata is %s of text, more than LTTng writes (at most %s are read)"),
                                        display_path, has, limit);
      return check;
    }
  if ((check->tsdl = strata_tsdl_parse (text, len, &error)) == NULL)
    {
      if (cut > 0)
        check->failure = g_strdup_printf (_("%s: cannot open the trace: its metadata file is cut short, and its whole packets could not be parsed (%s)"),
                                          display_path, error);
      else if (looks_like_tsdl (raw, raw_len))
        check->failure = g_strdup_printf (_("%s: cannot open the trace: its metadata could not be parsed (%s)"),
                                          display_path, error);
      else
        check->failure = g_strdup_printf (_("%s: cannot open the trace: its metadata is not CTF metadata"),
                                          display_path);
      return check;
    }
  {
    guint n_events = 0;

    strata_tsdl_events (check->tsdl, &n_events);
    if (n_events > STRATA_MAX_EVENT_CLASSES)
      {
        check->failure = g_strdup_printf (_("%s: cannot open the trace: its metadata declares %u event classes, more than LTTng writes (at most %u are read)"),
                                          display_path, n_events, STRATA_MAX_EVENT_CLASSES);
        return check;
      }
  }
  if (strata_tsdl_unreadable (check->tsdl) != NULL)
    {
      check->failure = g_strdup_printf (_("%s: cannot open the trace: %s"), display_path,
                                        strata_tsdl_unreadable (check->tsdl));
      return check;
    }
  /* A file cut inside a packet: libbabeltrace2 2.0 loops for ever on its last one (the
   * tracer was stopped as it wrote, or the copy was cut short). What the whole packets
   * declare, when it is sound, is given it as text instead. */
  if (comments > MAX_COMMENT_BYTES || cut > 0)
    {
      check->metadata = g_strconcat ("/* CTF 1.8 */\n", text, NULL);
      check->metadata_len = len + strlen ("/* CTF 1.8 */\n");
    }
  if (cut > 0)
    g_ptr_array_add (check->problems,
                     g_strdup_printf (ngettext ("%s: its metadata file is cut short: its last %zu byte is not a whole packet, and is left out",
                                                "%s: its metadata file is cut short: its last %zu bytes are not a whole packet, and are left out",
                                                cut),
                                      display_path, cut));

  if ((dir = g_dir_open (folder, 0, NULL)) != NULL)
    while ((name = g_dir_read_name (dir)) != NULL)
      if (name[0] != '.' && strcmp (name, "metadata") != 0)
        g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len && !g_cancellable_is_cancelled (cancellable); i++)
    check_stream_file (check, display_path, g_ptr_array_index (names, i), cancellable);

  /* Not a failure: such a trace still names its machine; but one that says nothing. */
  if (check->streams->len == 0 && !g_cancellable_is_cancelled (cancellable))
    g_ptr_array_add (check->problems,
                     g_strdup_printf (_("%s: it has no stream file, only its metadata: the trace holds no events"),
                                      display_path));
  check_duplicates (check);
  check_events (check, display_path, text, len);
  report_streams (check, display_path);

  for (guint i = 0; i < check->streams->len; i++)
    {
      StrataStreamCheck *s = g_ptr_array_index (check->streams, i);

      if (s->sound_bytes > 0)
        n_sound++;
      if (s->unreadable || s->reason != NULL || s->index_problem != NULL || s->duplicate_of != NULL)
        check->needs_staging = TRUE;
    }
  if (check->metadata != NULL)
    check->needs_staging = TRUE;
  if (check->streams->len > 0 && n_sound == 0)
    check->failure = g_strdup_printf (ngettext ("%s: its stream file cannot be read; the trace is left out",
                                                "%s: none of its %u stream files can be read; the trace is left out",
                                                check->streams->len),
                                      display_path, check->streams->len);
  return check;
}

gboolean
strata_ctf_first_packet_discarded (const char *folder,
                                   const char *file,
                                   guint64    *count)
{
  g_autofree char *path = g_build_filename (folder, file, NULL);
  g_autofree char *raw = NULL;
  g_autofree char *text = NULL;
  g_autofree char *error = NULL;
  g_autofree char *reason = NULL;
  g_autoptr(StrataTsdl) tsdl = NULL;
  g_autofree guint8 *buf = NULL;
  StrataPacketInfo info;
  StrataDecodeStatus status = STRATA_DECODE_SHORT;
  gsize raw_len = 0, len = 0, want = 256;
  GStatBuf st;
  int fd;

  if ((raw = strata_ctf_load_metadata (folder, &raw_len, NULL, &error)) == NULL ||
      (text = strata_tsdl_strip_comments (raw, raw_len, &len, NULL)) == NULL ||
      (tsdl = strata_tsdl_parse (text, len, &error)) == NULL ||
      (fd = strata_open_regular (path, &st)) < 0)
    return FALSE;
  while (status == STRATA_DECODE_SHORT)
    {
      want = MIN ((gsize) st.st_size, want);
      buf = g_realloc (buf, MAX (want, 1));
      if (!pread_all (fd, buf, want, 0))
        break;
      g_clear_pointer (&reason, g_free);
      status = strata_tsdl_decode_packet (tsdl, buf, want, &info, &reason);
      if (want >= (gsize) st.st_size || want >= MAX_PREAMBLE)
        break;
      want *= 4;
    }
  close (fd);
  if (status != STRATA_DECODE_OK || info.size[STRATA_PF_EVENTS_DISCARDED] == 0)
    return FALSE;
  *count = info.value[STRATA_PF_EVENTS_DISCARDED];
  return TRUE;
}
