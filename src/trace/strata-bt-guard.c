/* strata-bt-guard.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define _GNU_SOURCE
#define G_LOG_DOMAIN "strata-bt-guard"

#include "config.h"

#include <babeltrace2/babeltrace.h>
#include <dlfcn.h>
#include <glib/gi18n.h>
#include <inttypes.h>

#include "strata-bt-guard.h"

/* When nothing says how big the packets are: LTTng's sub-buffers are rarely larger. */
#define DEFAULT_PACKET_BITS (G_GUINT64_CONSTANT (8) * 8 * 1024 * 1024)

/* Fields one sequence may make (about 80 bytes each), however small its elements: each
 * sequence is made before its elements are read, so one of them inside another's element
 * is made before the data that would refute it. */
#define MAX_FIELDS (G_GUINT64_CONSTANT (2) << 20)

typedef bt_field_array_dynamic_set_length_status (*SetLength) (bt_field *field,
                                                               uint64_t  length);

static __thread guint64 packet_bits;
static guint n_refused;                   /* atomic */

void
strata_bt_guard_set_packet_bits (guint64 bits)
{
  packet_bits = bits;
}

/* How many lengths were refused since the process started. */
guint
strata_bt_guard_n_refused (void)
{
  return g_atomic_int_get (&n_refused);
}

/* The fewest bits an element of @fc takes in a CTF stream (0 when it can be empty). */
static guint64
min_bits (const bt_field_class *fc,
          guint                 depth)
{
  bt_field_class_type type = bt_field_class_get_type (fc);

  if (depth > 32)
    return 0;
  if (bt_field_class_type_is (type, BT_FIELD_CLASS_TYPE_BOOL))
    return 1;
  if (bt_field_class_type_is (type, BT_FIELD_CLASS_TYPE_BIT_ARRAY))
    return bt_field_class_bit_array_get_length (fc);
  if (bt_field_class_type_is (type, BT_FIELD_CLASS_TYPE_INTEGER))
    return bt_field_class_integer_get_field_value_range (fc);
  if (bt_field_class_type_is (type, BT_FIELD_CLASS_TYPE_SINGLE_PRECISION_REAL))
    return 32;
  if (bt_field_class_type_is (type, BT_FIELD_CLASS_TYPE_REAL))
    return 64;
  if (bt_field_class_type_is (type, BT_FIELD_CLASS_TYPE_STRING))
    return 8;
  if (bt_field_class_type_is (type, BT_FIELD_CLASS_TYPE_STRUCTURE))
    {
      guint64 bits = 0;

      for (guint64 i = 0; i < bt_field_class_structure_get_member_count (fc); i++)
        {
          const bt_field_class_structure_member *member =
            bt_field_class_structure_borrow_member_by_index_const (fc, i);

          bits += min_bits (bt_field_class_structure_member_borrow_field_class_const (member), depth + 1);
        }
      return bits;
    }
  if (bt_field_class_type_is (type, BT_FIELD_CLASS_TYPE_STATIC_ARRAY))
    {
      guint64 length = bt_field_class_array_static_get_length (fc);
      guint64 element = min_bits (bt_field_class_array_borrow_element_field_class_const (fc), depth + 1);

      return element != 0 && length > G_MAXUINT64 / element ? G_MAXUINT64 : length * element;
    }
  /* Sequences, variants and options can take nothing. */
  return 0;
}

/* The fields libbabeltrace2 makes for one element of @fc, itself included. */
static guint64
n_fields (const bt_field_class *fc,
          guint                 depth)
{
  bt_field_class_type type = bt_field_class_get_type (fc);

  if (depth > 32)
    return G_MAXUINT64;
  if (bt_field_class_type_is (type, BT_FIELD_CLASS_TYPE_STRUCTURE))
    {
      guint64 n = 1;

      for (guint64 i = 0; i < bt_field_class_structure_get_member_count (fc); i++)
        {
          const bt_field_class_structure_member *member =
            bt_field_class_structure_borrow_member_by_index_const (fc, i);
          guint64 member_fields = n_fields (bt_field_class_structure_member_borrow_field_class_const (member), depth + 1);

          n = member_fields > G_MAXUINT64 - n ? G_MAXUINT64 : n + member_fields;
        }
      return n;
    }
  if (bt_field_class_type_is (type, BT_FIELD_CLASS_TYPE_STATIC_ARRAY))
    {
      guint64 length = bt_field_class_array_static_get_length (fc);
      guint64 element = n_fields (bt_field_class_array_borrow_element_field_class_const (fc), depth + 1);

      return length != 0 && element > (G_MAXUINT64 - 1) / length ? G_MAXUINT64 : 1 + length * element;
    }
  return 1;
}

/* Called by libbabeltrace2's ctf plugin in place of libbabeltrace2's own (the executables
 * export it: see src/trace/meson.build). */
bt_field_array_dynamic_set_length_status
bt_field_array_dynamic_set_length (bt_field *field,
                                   uint64_t  length)
{
  static SetLength real;
  SetLength set_length = g_atomic_pointer_get (&real);

  if (set_length == NULL)
    {
      set_length = (SetLength) dlsym (RTLD_NEXT, "bt_field_array_dynamic_set_length");
      g_assert (set_length != NULL);
      g_atomic_pointer_set (&real, set_length);
    }

  if (length > 0)
    {
      const bt_field_class *element =
        bt_field_class_array_borrow_element_field_class_const (bt_field_borrow_class_const (field));
      guint64 bits = packet_bits != 0 ? packet_bits : DEFAULT_PACKET_BITS;
      guint64 each = MAX (min_bits (element, 0), 1);
      guint64 fields = n_fields (element, 0);

      if (length > bits / each || fields > MAX_FIELDS / length)
        {
          g_atomic_int_inc (&n_refused);
          bt_current_thread_error_append_cause_from_unknown ("strata", __FILE__, __LINE__,
                                                             _("an event holds a sequence of %" PRIu64 " elements, more than its packet can hold"),
                                                             (guint64) length);
          return BT_FIELD_DYNAMIC_ARRAY_SET_LENGTH_STATUS_MEMORY_ERROR;
        }
    }
  return set_length (field, length);
}
