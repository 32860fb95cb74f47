/* strata-tsdl.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-tsdl"

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>
#include <string.h>

#include "strata-tsdl.h"

/* Nesting deeper than this is damage, or an attack on the stack. */
#define MAX_DEPTH          64
/* More types than this in one metadata text is not a trace. */
#define MAX_TYPES          (1u << 22)
/* libbabeltrace2 makes one field object per element of a fixed-length array; this many
 * empty elements, which take no bits, is absurd. */
#define MAX_EMPTY_ELEMENTS (1u << 20)

#define PACKET_MAGIC       0xC1FC1FC1u

typedef enum
{
  BO_NATIVE,
  BO_LE,
  BO_BE,
} ByteOrder;

typedef enum
{
  TY_INT,
  TY_ENUM,
  TY_FLOAT,
  TY_STRING,
  TY_STRUCT,
  TY_VARIANT,
  TY_ARRAY,
  TY_SEQUENCE,
} TypeKind;

typedef struct _Type Type;

typedef struct
{
  char   *label;
  guint64 lo;       /* signed values are stored as their two's complement */
  guint64 hi;
} EnumRange;

typedef struct
{
  char *orig;       /* as written: what references use */
  char *name;       /* without one leading underscore: what libbabeltrace2 names it */
  Type *type;
} Field;

struct _Type
{
  TypeKind  kind;
  guint64   align;        /* bits */
  guint     size;         /* INT, ENUM, FLOAT: bits */
  gboolean  is_signed;
  ByteOrder byte_order;
  char     *clock;        /* INT, ENUM: the clock it maps to */
  gboolean  text;         /* ARRAY, SEQUENCE of 8-bit characters: a string for libbabeltrace2 */
  GArray   *ranges;       /* ENUM: EnumRange */
  GArray   *fields;       /* STRUCT, VARIANT: Field */
  char     *path;         /* VARIANT: the tag; SEQUENCE: the length */
  Type     *element;      /* ARRAY, SEQUENCE */
  guint64   length;       /* ARRAY */
  guint64   min_bits;     /* G_MAXUINT64 until computed */
  guint64   elements;
};

typedef struct
{
  Type *context;
  Type *fields;
} EventTypes;

typedef struct
{
  char    *name;
  guint64  freq;
  gint64   offset_s;
  guint64  offset;
} Clock;

typedef struct
{
  guint64  id;
  gboolean has_id;
  Type    *packet_context;
  Type    *event_header;
  Type    *event_context;
  gint     clock;           /* the clock its timestamps map to; -1: none */
} StreamClass;

struct _StrataTsdl
{
  GPtrArray *types;         /* Type*, owned */
  GArray    *clocks;        /* Clock */
  GArray    *streams;       /* StreamClass */
  GArray    *events;        /* StrataTsdlEvent */
  GArray    *event_types;   /* EventTypes, one per event */
  GPtrArray *strings;       /* owned strings the events point to */
  ByteOrder  byte_order;
  Type      *packet_header;
  guint8     uuid[16];
  gboolean   has_uuid;
  guint      n_trace_blocks;
};

/* ---- lexer ---- */

typedef enum
{
  TOK_END,
  TOK_IDENT,
  TOK_NUMBER,
  TOK_STRING,
  TOK_PUNCT,        /* one character, or ":=", "...", "->" */
} TokKind;

typedef struct
{
  TokKind     kind;
  const char *start;
  gsize       len;
  guint64     number;
  gboolean    number_ok;
} Token;

typedef struct
{
  const char *text;
  const char *p;
  const char *end;
  Token       tok;
  const char *error;        /* the first error; NULL while all is well */
  const char *error_at;
} Lexer;

static const char *
skip_space_and_comments (const char *p,
                         const char *end,
                         gsize      *comment_bytes)
{
  for (;;)
    {
      while (p < end && g_ascii_isspace (*p))
        p++;
      if (p + 1 < end && p[0] == '/' && p[1] == '*')
        {
          const char *close = g_strstr_len (p + 2, end - (p + 2), "*/");
          const char *after = close ? close + 2 : end;

          if (comment_bytes)
            *comment_bytes += after - p;
          p = after;
          continue;
        }
      if (p + 1 < end && p[0] == '/' && p[1] == '/')
        {
          const char *start = p;

          while (p < end && *p != '\n')
            p++;
          if (comment_bytes)
            *comment_bytes += p - start;
          continue;
        }
      return p;
    }
}

static void
lex_next (Lexer *lx)
{
  const char *p;
  Token *t = &lx->tok;

  p = skip_space_and_comments (lx->p, lx->end, NULL);
  memset (t, 0, sizeof *t);
  t->start = p;
  if (p >= lx->end || *p == '\0')
    {
      t->kind = TOK_END;
      lx->p = lx->end;
      return;
    }
  if (g_ascii_isalpha (*p) || *p == '_' || *p == '$')
    {
      while (p < lx->end && (g_ascii_isalnum (*p) || *p == '_' || *p == '$'))
        p++;
      t->kind = TOK_IDENT;
    }
  else if (g_ascii_isdigit (*p))
    {
      const char *q = p;
      guint base = 10;
      guint64 v = 0;

      t->number_ok = TRUE;
      if (q + 1 < lx->end && q[0] == '0' && (q[1] == 'x' || q[1] == 'X'))
        {
          base = 16;
          q += 2;
        }
      else if (q + 1 < lx->end && q[0] == '0' && g_ascii_isdigit (q[1]))
        base = 8;
      for (; q < lx->end && g_ascii_isxdigit (*q); q++)
        {
          guint d = g_ascii_xdigit_value (*q);

          if (d >= base || v > (G_MAXUINT64 - d) / base)
            t->number_ok = FALSE;
          else
            v = v * base + d;
        }
      while (q < lx->end && (*q == 'u' || *q == 'U' || *q == 'l' || *q == 'L'))
        q++;
      p = q;
      t->kind = TOK_NUMBER;
      t->number = v;
    }
  else if (*p == '"' || *p == '\'')
    {
      char quote = *p++;

      while (p < lx->end && *p != quote && *p != '\n')
        p += (*p == '\\' && p + 1 < lx->end) ? 2 : 1;
      if (p < lx->end && *p == quote)
        p++;
      t->kind = TOK_STRING;
    }
  else if (p + 1 < lx->end && ((p[0] == ':' && p[1] == '=') || (p[0] == '-' && p[1] == '>')))
    {
      p += 2;
      t->kind = TOK_PUNCT;
    }
  else if (p + 2 < lx->end && p[0] == '.' && p[1] == '.' && p[2] == '.')
    {
      p += 3;
      t->kind = TOK_PUNCT;
    }
  else
    {
      p++;
      t->kind = TOK_PUNCT;
    }
  t->len = MIN ((gsize) (p - t->start), (gsize) (lx->end - t->start));
  lx->p = p > lx->end ? lx->end : p;
}

static gboolean
tok_is (const Lexer *lx,
        const char  *text)
{
  gsize n = strlen (text);

  return (lx->tok.kind == TOK_IDENT || lx->tok.kind == TOK_PUNCT) &&
         lx->tok.len == n && memcmp (lx->tok.start, text, n) == 0;
}

static void
fail (Lexer      *lx,
      const char *why)
{
  if (lx->error == NULL)
    {
      lx->error = why;
      lx->error_at = lx->tok.start;
    }
}

static gboolean
failed (const Lexer *lx)
{
  return lx->error != NULL;
}

static gboolean
accept (Lexer      *lx,
        const char *text)
{
  if (failed (lx) || !tok_is (lx, text))
    return FALSE;
  lex_next (lx);
  return TRUE;
}

static gboolean
expect (Lexer      *lx,
        const char *text)
{
  if (accept (lx, text))
    return TRUE;
  fail (lx, text);
  return FALSE;
}

static char *
tok_dup (const Lexer *lx)
{
  return g_strndup (lx->tok.start, lx->tok.len);
}

/* The text of a string token, without its quotes (escapes are left as they are). */
static char *
tok_string (const Lexer *lx)
{
  if (lx->tok.len >= 2)
    return g_strndup (lx->tok.start + 1, lx->tok.len - 2);
  return g_strdup ("");
}

/* Skips a balanced {...}, [...], (...) or <...> that starts at the current token. */
static void
skip_balanced (Lexer *lx)
{
  guint depth = 0;

  do
    {
      if (lx->tok.kind == TOK_END)
        {
          fail (lx, "}");
          return;
        }
      if (tok_is (lx, "{") || tok_is (lx, "[") || tok_is (lx, "(") || tok_is (lx, "<"))
        depth++;
      else if (tok_is (lx, "}") || tok_is (lx, "]") || tok_is (lx, ")") || tok_is (lx, ">"))
        depth--;
      lex_next (lx);
    }
  while (depth > 0 && !failed (lx));
}

char *
strata_tsdl_strip_comments (const char *text,
                            gsize       len,
                            gsize      *out_len,
                            gsize      *comment_bytes)
{
  GString *out = g_string_sized_new (len);
  const char *p = text;
  const char *end = text + len;
  gsize comments = 0;

  while (p < end)
    {
      gsize before = comments;
      const char *next = skip_space_and_comments (p, end, &comments);

      if (next != p)
        {
          /* Whitespace is kept (line numbers stay right), a comment becomes one space. */
          if (comments == before)
            g_string_append_len (out, p, next - p);
          else
            {
              for (const char *q = p; q < next; q++)
                if (*q == '\n')
                  g_string_append_c (out, '\n');
              g_string_append_c (out, ' ');
            }
          p = next;
          continue;
        }
      if (*p == '"' || *p == '\'')
        {
          char quote = *p;
          const char *q = p + 1;

          while (q < end && *q != quote && *q != '\n')
            q += (*q == '\\' && q + 1 < end) ? 2 : 1;
          if (q < end && *q == quote)
            q++;
          q = MIN (q, end);
          g_string_append_len (out, p, q - p);
          p = q;
          continue;
        }
      g_string_append_c (out, *p++);
    }
  if (comment_bytes)
    *comment_bytes = comments;
  if (out_len)
    *out_len = out->len;
  return g_string_free (out, FALSE);
}

/* ---- types ---- */

static void
type_free (gpointer data)
{
  Type *type = data;

  if (type->ranges != NULL)
    {
      for (guint i = 0; i < type->ranges->len; i++)
        g_free (g_array_index (type->ranges, EnumRange, i).label);
      g_array_unref (type->ranges);
    }
  if (type->fields != NULL)
    {
      for (guint i = 0; i < type->fields->len; i++)
        {
          g_free (g_array_index (type->fields, Field, i).orig);
          g_free (g_array_index (type->fields, Field, i).name);
        }
      g_array_unref (type->fields);
    }
  g_free (type->clock);
  g_free (type->path);
  g_free (type);
}

void
strata_tsdl_free (StrataTsdl *tsdl)
{
  if (tsdl == NULL)
    return;
  for (guint i = 0; i < tsdl->clocks->len; i++)
    g_free (g_array_index (tsdl->clocks, Clock, i).name);
  g_array_unref (tsdl->clocks);
  g_array_unref (tsdl->streams);
  g_array_unref (tsdl->events);
  g_array_unref (tsdl->event_types);
  g_ptr_array_unref (tsdl->strings);
  g_ptr_array_unref (tsdl->types);
  g_free (tsdl);
}

typedef struct
{
  GHashTable *aliases;      /* name -> Type*: typealias and typedef */
  GHashTable *structs;
  GHashTable *variants;
  GHashTable *enums;
} Scope;

typedef struct
{
  StrataTsdl *tsdl;
  Lexer       lx;
  GPtrArray  *scopes;       /* Scope*, innermost last */
  guint       depth;
} Parser;

static void
scope_free (gpointer data)
{
  Scope *scope = data;

  g_hash_table_unref (scope->aliases);
  g_hash_table_unref (scope->structs);
  g_hash_table_unref (scope->variants);
  g_hash_table_unref (scope->enums);
  g_free (scope);
}

static void
push_scope (Parser *ps)
{
  Scope *scope = g_new0 (Scope, 1);

  scope->aliases = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  scope->structs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  scope->variants = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  scope->enums = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_ptr_array_add (ps->scopes, scope);
}

static void
pop_scope (Parser *ps)
{
  g_ptr_array_remove_index (ps->scopes, ps->scopes->len - 1);
}

typedef enum
{
  NS_ALIAS,
  NS_STRUCT,
  NS_VARIANT,
  NS_ENUM,
} Namespace;

static GHashTable *
scope_table (Scope     *scope,
             Namespace  ns)
{
  switch (ns)
    {
    case NS_STRUCT:
      return scope->structs;
    case NS_VARIANT:
      return scope->variants;
    case NS_ENUM:
      return scope->enums;
    case NS_ALIAS:
    default:
      return scope->aliases;
    }
}

static Type *
peek (Parser     *ps,
      Namespace   ns,
      const char *name)
{
  for (guint i = ps->scopes->len; i > 0; i--)
    {
      Type *type = g_hash_table_lookup (scope_table (g_ptr_array_index (ps->scopes, i - 1), ns), name);

      if (type != NULL)
        return type;
    }
  return NULL;
}

static Type *copy_tree (Parser *ps, const Type *from, guint depth);

/* libbabeltrace2 hands out a copy of a named type at each use, and stores a copy when one is
 * named: see copy_tree(). */
static Type *
lookup (Parser     *ps,
        Namespace   ns,
        const char *name)
{
  Type *type = peek (ps, ns, name);

  return type != NULL ? copy_tree (ps, type, 0) : NULL;
}

static void
define (Parser     *ps,
        Namespace   ns,
        const char *name,
        Type       *type)
{
  Scope *scope = g_ptr_array_index (ps->scopes, ps->scopes->len - 1);
  Type *copy = copy_tree (ps, type, 0);

  if (copy != NULL)
    g_hash_table_replace (scope_table (scope, ns), g_strdup (name), copy);
}

static Type *
type_new (Parser   *ps,
          TypeKind  kind)
{
  Type *type;

  if (ps->tsdl->types->len >= MAX_TYPES)
    {
      fail (&ps->lx, "fewer types");
      return NULL;
    }
  type = g_new0 (Type, 1);
  type->kind = kind;
  type->align = 8;
  type->min_bits = G_MAXUINT64;
  g_ptr_array_add (ps->tsdl->types, type);
  return type;
}

/* A copy that shares the copied type's children (which are never changed once parsed). */
static Type *
type_copy (Parser     *ps,
           const Type *from)
{
  Type *type = type_new (ps, from->kind);

  if (type == NULL)
    return NULL;
  *type = *from;
  type->min_bits = G_MAXUINT64;
  type->clock = g_strdup (from->clock);
  type->path = g_strdup (from->path);
  if (from->ranges != NULL)
    {
      type->ranges = g_array_sized_new (FALSE, FALSE, sizeof (EnumRange), from->ranges->len);
      for (guint i = 0; i < from->ranges->len; i++)
        {
          EnumRange r = g_array_index (from->ranges, EnumRange, i);

          r.label = g_strdup (r.label);
          g_array_append_val (type->ranges, r);
        }
    }
  if (from->fields != NULL)
    {
      type->fields = g_array_sized_new (FALSE, FALSE, sizeof (Field), from->fields->len);
      for (guint i = 0; i < from->fields->len; i++)
        {
          Field f = g_array_index (from->fields, Field, i);

          f.orig = g_strdup (f.orig);
          f.name = g_strdup (f.name);
          g_array_append_val (type->fields, f);
        }
    }
  return type;
}

static char *
strip_underscore (const char *name)
{
  return g_strdup (name[0] == '_' ? name + 1 : name);
}

/*
 * A copy of a type as libbabeltrace2 2.0 copies one (ctf_field_class_copy()): it appends each
 * member again under its name, which loses one more leading underscore (its name becomes the
 * original one). So a field's name depends on how many times the types around it were named
 * and used: `__packet_size` in a struct declared with a name and used through it is
 * libbabeltrace2's `packet_size`.
 */
static Type *
copy_tree (Parser     *ps,
           const Type *from,
           guint       depth)
{
  Type *type;

  if (depth > MAX_DEPTH * 4)
    {
      fail (&ps->lx, "less nesting");
      return NULL;
    }
  if ((type = type_copy (ps, from)) == NULL)
    return NULL;
  if (type->fields != NULL)
    for (guint i = 0; i < type->fields->len; i++)
      {
        Field *f = &g_array_index (type->fields, Field, i);
        char *name = f->name;

        g_free (f->orig);
        f->orig = name;
        f->name = strip_underscore (name);
        if ((f->type = copy_tree (ps, f->type, depth + 1)) == NULL)
          return NULL;
      }
  if (type->element != NULL && (type->element = copy_tree (ps, type->element, depth + 1)) == NULL)
    return NULL;
  return type;
}

static gboolean
is_power_of_two (guint64 v)
{
  return v != 0 && (v & (v - 1)) == 0;
}

static Type *parse_type_specifier (Parser *ps, gboolean *named_by_words);

/* A value: a number (maybe negative), an identifier, a string, or a dotted path. The text
 * of it is returned for identifiers, strings and paths. */
typedef struct
{
  gboolean is_number;
  gboolean negative;
  guint64  number;
  gboolean number_ok;
  char    *text;
} Value;

static gboolean
parse_value (Parser *ps,
             Value  *v)
{
  Lexer *lx = &ps->lx;

  memset (v, 0, sizeof *v);
  if (accept (lx, "-"))
    v->negative = TRUE;
  else
    accept (lx, "+");
  if (lx->tok.kind == TOK_NUMBER)
    {
      v->is_number = TRUE;
      v->number = lx->tok.number;
      v->number_ok = lx->tok.number_ok;
      lex_next (lx);
      return TRUE;
    }
  if (v->negative)
    {
      fail (lx, "a number");
      return FALSE;
    }
  if (lx->tok.kind == TOK_STRING)
    {
      v->text = tok_string (lx);
      lex_next (lx);
      return TRUE;
    }
  if (lx->tok.kind == TOK_IDENT)
    {
      GString *path = g_string_new (NULL);

      g_string_append_len (path, lx->tok.start, lx->tok.len);
      lex_next (lx);
      while (tok_is (lx, ".") || tok_is (lx, "->"))
        {
          lex_next (lx);
          if (lx->tok.kind != TOK_IDENT)
            {
              fail (lx, "a name");
              g_string_free (path, TRUE);
              return FALSE;
            }
          g_string_append_c (path, '.');
          g_string_append_len (path, lx->tok.start, lx->tok.len);
          lex_next (lx);
        }
      v->text = g_string_free (path, FALSE);
      return TRUE;
    }
  fail (lx, "a value");
  return FALSE;
}

static void
value_clear (Value *v)
{
  g_clear_pointer (&v->text, g_free);
}

static ByteOrder
byte_order_from (const char *text,
                 ByteOrder   native)
{
  if (text == NULL)
    return native;
  if (g_str_equal (text, "be") || g_str_equal (text, "big") || g_str_equal (text, "network"))
    return BO_BE;
  if (g_str_equal (text, "le") || g_str_equal (text, "little"))
    return BO_LE;
  return native;
}

/* integer { ... } and floating_point { ... }: "name = value;" attributes. */
static Type *
parse_number_type (Parser  *ps,
                   gboolean floating)
{
  Lexer *lx = &ps->lx;
  Type *type = type_new (ps, floating ? TY_FLOAT : TY_INT);
  guint64 exp_dig = 0, mant_dig = 0;
  gboolean has_align = FALSE;
  gboolean is_text = FALSE;

  if (type == NULL || !expect (lx, "{"))
    return NULL;
  while (!failed (lx) && lx->tok.kind != TOK_END && !tok_is (lx, "}"))
    {
      g_autofree char *name = NULL;
      Value v;

      if (lx->tok.kind != TOK_IDENT)
        {
          fail (lx, "an attribute");
          return NULL;
        }
      name = tok_dup (lx);
      lex_next (lx);
      if (!expect (lx, "=") || !parse_value (ps, &v))
        return NULL;
      if (g_str_equal (name, "size") || g_str_equal (name, "align") ||
          g_str_equal (name, "exp_dig") || g_str_equal (name, "mant_dig"))
        {
          if (!v.is_number || v.negative || !v.number_ok || v.number == 0 || v.number > G_MAXUINT32)
            {
              fail (lx, "a positive size");
              value_clear (&v);
              return NULL;
            }
          if (g_str_equal (name, "size"))
            type->size = v.number;
          else if (g_str_equal (name, "align"))
            {
              type->align = v.number;
              has_align = TRUE;
            }
          else if (g_str_equal (name, "exp_dig"))
            exp_dig = v.number;
          else
            mant_dig = v.number;
        }
      else if (g_str_equal (name, "signed"))
        type->is_signed = v.is_number ? v.number != 0
                                      : (v.text != NULL && (g_str_equal (v.text, "true") ||
                                                            g_str_equal (v.text, "TRUE")));
      else if (g_str_equal (name, "byte_order"))
        type->byte_order = byte_order_from (v.text, BO_NATIVE);
      else if (g_str_equal (name, "encoding"))
        is_text = v.text != NULL && !g_str_equal (v.text, "none");
      else if (g_str_equal (name, "map"))
        {
          /* map = clock.NAME.value */
          if (v.text != NULL && g_str_has_prefix (v.text, "clock.") && g_str_has_suffix (v.text, ".value") &&
              strlen (v.text) > strlen ("clock..value"))
            type->clock = g_strndup (v.text + strlen ("clock."),
                                     strlen (v.text) - strlen ("clock.") - strlen (".value"));
        }
      value_clear (&v);
      if (!expect (lx, ";"))
        return NULL;
    }
  if (!expect (lx, "}"))
    return NULL;
  if (floating)
    type->size = exp_dig + mant_dig;
  if (type->size == 0 || type->size > 64)
    {
      fail (lx, "a size from 1 to 64 bits");
      return NULL;
    }
  if (!has_align)
    type->align = type->size % 8 == 0 ? 8 : 1;
  if (!is_power_of_two (type->align))
    {
      fail (lx, "an alignment that is a power of two");
      return NULL;
    }
  /* An 8-bit character: arrays and sequences of it are strings. */
  type->text = is_text && type->size == 8;
  return type;
}

static gboolean parse_field_declarations (Parser *ps, Type *compound);

static gboolean
parse_align_attribute (Parser *ps,
                       Type   *type)
{
  Lexer *lx = &ps->lx;

  if (!accept (lx, "align"))
    return TRUE;
  if (!expect (lx, "(") || lx->tok.kind != TOK_NUMBER || !lx->tok.number_ok ||
      !is_power_of_two (lx->tok.number) || lx->tok.number > G_MAXUINT32)
    {
      fail (lx, "an alignment that is a power of two");
      return FALSE;
    }
  type->align = MAX (type->align, lx->tok.number);
  lex_next (lx);
  return expect (lx, ")");
}

/* struct [NAME] [{ ... }] [align(N)] */
static Type *
parse_struct (Parser *ps)
{
  Lexer *lx = &ps->lx;
  g_autofree char *name = NULL;
  Type *type;

  if (lx->tok.kind == TOK_IDENT && !tok_is (lx, "align"))
    {
      name = tok_dup (lx);
      lex_next (lx);
    }
  if (!tok_is (lx, "{"))
    {
      Type *known = name ? lookup (ps, NS_STRUCT, name) : NULL;

      if (known == NULL)
        {
          fail (lx, "a declared structure");
          return NULL;
        }
      if (tok_is (lx, "align"))
        {
          type = type_copy (ps, known);
          if (type == NULL || !parse_align_attribute (ps, type))
            return NULL;
          return type;
        }
      return known;
    }
  lex_next (lx);
  type = type_new (ps, TY_STRUCT);
  if (type == NULL)
    return NULL;
  type->align = 1;
  type->fields = g_array_new (FALSE, FALSE, sizeof (Field));
  push_scope (ps);
  while (!failed (lx) && lx->tok.kind != TOK_END && !tok_is (lx, "}"))
    if (!parse_field_declarations (ps, type))
      break;
  pop_scope (ps);
  if (failed (lx) || !expect (lx, "}"))
    return NULL;
  /* A structure is aligned as its most aligned field, at least. */
  for (guint i = 0; i < type->fields->len; i++)
    type->align = MAX (type->align, g_array_index (type->fields, Field, i).type->align);
  if (!parse_align_attribute (ps, type))
    return NULL;
  if (name != NULL)
    define (ps, NS_STRUCT, name, type);
  return type;
}

/* A field reference: NAME(.NAME)* */
static char *
parse_path (Parser *ps)
{
  Lexer *lx = &ps->lx;
  GString *path = g_string_new (NULL);

  for (;;)
    {
      if (lx->tok.kind != TOK_IDENT)
        {
          fail (lx, "a field name");
          g_string_free (path, TRUE);
          return NULL;
        }
      g_string_append_len (path, lx->tok.start, lx->tok.len);
      lex_next (lx);
      if (!tok_is (lx, ".") && !tok_is (lx, "->"))
        break;
      lex_next (lx);
      g_string_append_c (path, '.');
    }
  return g_string_free (path, FALSE);
}

/* variant [NAME] [<TAG>] [{ ... }] */
static Type *
parse_variant (Parser *ps)
{
  Lexer *lx = &ps->lx;
  g_autofree char *name = NULL;
  g_autofree char *tag = NULL;
  Type *type;

  if (lx->tok.kind == TOK_IDENT)
    {
      name = tok_dup (lx);
      lex_next (lx);
    }
  if (accept (lx, "<"))
    {
      if ((tag = parse_path (ps)) == NULL || !expect (lx, ">"))
        return NULL;
    }
  if (!tok_is (lx, "{"))
    {
      Type *known = name ? lookup (ps, NS_VARIANT, name) : NULL;

      if (known == NULL)
        {
          fail (lx, "a declared variant");
          return NULL;
        }
      if (tag == NULL)
        return known;
      if ((type = type_copy (ps, known)) == NULL)
        return NULL;
      g_free (type->path);
      type->path = g_steal_pointer (&tag);
      return type;
    }
  lex_next (lx);
  type = type_new (ps, TY_VARIANT);
  if (type == NULL)
    return NULL;
  type->align = 1;
  type->fields = g_array_new (FALSE, FALSE, sizeof (Field));
  type->path = g_steal_pointer (&tag);
  push_scope (ps);
  while (!failed (lx) && lx->tok.kind != TOK_END && !tok_is (lx, "}"))
    if (!parse_field_declarations (ps, type))
      break;
  pop_scope (ps);
  if (failed (lx) || !expect (lx, "}"))
    return NULL;
  if (type->fields->len == 0)
    {
      fail (lx, "a variant with options");
      return NULL;
    }
  if (name != NULL)
    define (ps, NS_VARIANT, name, type);
  return type;
}

/* enum [NAME] [: TYPE] [{ LABEL [= V [... V]], ... }] */
static Type *
parse_enum (Parser *ps)
{
  Lexer *lx = &ps->lx;
  g_autofree char *name = NULL;
  Type *container = NULL;
  Type *type;
  guint64 next = 0;

  if (lx->tok.kind == TOK_IDENT)
    {
      name = tok_dup (lx);
      lex_next (lx);
    }
  if (accept (lx, ":"))
    {
      gboolean by_words = FALSE;

      if ((container = parse_type_specifier (ps, &by_words)) == NULL)
        return NULL;
    }
  if (!tok_is (lx, "{"))
    {
      Type *known = name ? lookup (ps, NS_ENUM, name) : NULL;

      if (known == NULL)
        fail (lx, "a declared enumeration");
      return known;
    }
  if (container == NULL && (container = lookup (ps, NS_ALIAS, "int")) == NULL)
    {
      fail (lx, "the container type of an enumeration");
      return NULL;
    }
  if (container->kind != TY_INT)
    {
      fail (lx, "an integer container type");
      return NULL;
    }
  lex_next (lx);
  type = type_new (ps, TY_ENUM);
  if (type == NULL)
    return NULL;
  type->align = container->align;
  type->size = container->size;
  type->is_signed = container->is_signed;
  type->byte_order = container->byte_order;
  type->clock = g_strdup (container->clock);
  type->ranges = g_array_new (FALSE, FALSE, sizeof (EnumRange));
  while (!failed (lx) && lx->tok.kind != TOK_END && !tok_is (lx, "}"))
    {
      EnumRange r = { 0 };

      if (lx->tok.kind == TOK_STRING)
        r.label = tok_string (lx);
      else if (lx->tok.kind == TOK_IDENT)
        r.label = tok_dup (lx);
      else
        {
          fail (lx, "an enumeration label");
          return NULL;
        }
      lex_next (lx);
      r.lo = r.hi = next;
      if (accept (lx, "="))
        {
          Value lo, hi;

          if (!parse_value (ps, &lo) || !lo.is_number)
            {
              value_clear (&lo);
              g_free (r.label);
              fail (lx, "a number");
              return NULL;
            }
          r.lo = r.hi = lo.negative ? -lo.number : lo.number;
          if (accept (lx, "..."))
            {
              if (!parse_value (ps, &hi) || !hi.is_number)
                {
                  value_clear (&hi);
                  g_free (r.label);
                  fail (lx, "a number");
                  return NULL;
                }
              r.hi = hi.negative ? -hi.number : hi.number;
            }
        }
      next = r.hi + 1;
      g_array_append_val (type->ranges, r);
      if (!accept (lx, ","))
        break;
    }
  if (!expect (lx, "}"))
    return NULL;
  if (name != NULL)
    define (ps, NS_ENUM, name, type);
  return type;
}

static gboolean
is_type_word (const Lexer *lx)
{
  static const char *const keywords[] = {
    "const", "char", "short", "int", "long", "float", "double", "signed", "unsigned", "void",
    "_Bool", "_Complex", "_Imaginary",
  };

  if (lx->tok.kind != TOK_IDENT)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (keywords); i++)
    if (tok_is (lx, keywords[i]))
      return TRUE;
  return FALSE;
}

/*
 * A type specifier: a keyword form (integer, floating_point, string, struct, variant, enum), or
 * the name of a typealias or typedef, which may be several words ("unsigned long"). With
 * @named_by_words set, the words are taken greedily: the caller checks whether the last one
 * was the declarator instead.
 */
static Type *
parse_type_specifier (Parser   *ps,
                      gboolean *named_by_words)
{
  Lexer *lx = &ps->lx;
  Type *type = NULL;

  *named_by_words = FALSE;
  if (++ps->depth > MAX_DEPTH)
    {
      fail (lx, "less nesting");
      ps->depth--;
      return NULL;
    }
  while (accept (lx, "const"))
    ;
  if (accept (lx, "integer"))
    type = parse_number_type (ps, FALSE);
  else if (accept (lx, "floating_point"))
    type = parse_number_type (ps, TRUE);
  else if (accept (lx, "string"))
    {
      if ((type = type_new (ps, TY_STRING)) != NULL && tok_is (lx, "{"))
        skip_balanced (lx);
    }
  else if (accept (lx, "struct"))
    type = parse_struct (ps);
  else if (accept (lx, "variant"))
    type = parse_variant (ps);
  else if (accept (lx, "enum"))
    type = parse_enum (ps);
  else if (lx->tok.kind == TOK_IDENT)
    {
      g_autoptr(GString) words = g_string_new (NULL);

      /* Words, while they name a type: "unsigned long", "uint32_t". */
      while (lx->tok.kind == TOK_IDENT)
        {
          g_autoptr(GString) longer = g_string_new (words->str);
          Type *found;

          if (longer->len > 0)
            g_string_append_c (longer, ' ');
          g_string_append_len (longer, lx->tok.start, lx->tok.len);
          found = peek (ps, NS_ALIAS, longer->str);
          if (found == NULL && !is_type_word (lx))
            break;
          g_string_assign (words, longer->str);
          type = found;
          lex_next (lx);
        }
      if (type == NULL)
        fail (lx, words->len > 0 ? "a declared type" : "a type");
      else
        type = copy_tree (ps, type, 0);
      *named_by_words = TRUE;
    }
  else
    fail (lx, "a type");
  ps->depth--;
  return failed (lx) ? NULL : type;
}

/* NAME[LEN][FIELD]...: arrays and sequences around @type, innermost dimension last. */
static Type *
parse_declarator_dims (Parser *ps,
                       Type   *type)
{
  Lexer *lx = &ps->lx;
  g_autoptr(GPtrArray) dims = g_ptr_array_new ();   /* Type* shells, in written order */

  while (accept (lx, "["))
    {
      Type *dim;

      if (lx->tok.kind == TOK_NUMBER)
        {
          if (!lx->tok.number_ok)
            {
              fail (lx, "an array length");
              return NULL;
            }
          if ((dim = type_new (ps, TY_ARRAY)) == NULL)
            return NULL;
          dim->length = lx->tok.number;
          lex_next (lx);
        }
      else
        {
          if ((dim = type_new (ps, TY_SEQUENCE)) == NULL || (dim->path = parse_path (ps)) == NULL)
            return NULL;
        }
      if (!expect (lx, "]"))
        return NULL;
      g_ptr_array_add (dims, dim);
    }
  /* int a[2][3]: an array of 2 arrays of 3 ints. */
  for (guint i = dims->len; i > 0; i--)
    {
      Type *dim = g_ptr_array_index (dims, i - 1);

      dim->element = type;
      dim->align = type->align;
      dim->text = type->kind == TY_INT && type->text;
      type = dim;
    }
  return type;
}

static void
add_field (Type       *compound,
           const char *orig,
           Type       *type)
{
  Field f;

  f.orig = g_strdup (orig);
  /* CTF 1.8 escapes names with a leading underscore: libbabeltrace2 drops one. */
  f.name = g_strdup (orig[0] == '_' ? orig + 1 : orig);
  f.type = type;
  g_array_append_val (compound->fields, f);
}

static gboolean parse_alias (Parser *ps, gboolean typedef_form);

/* Inside struct { } or variant { }: "TYPE NAME[, NAME]...;", or a typealias/typedef, or a
 * named type declared without a field. */
static gboolean
parse_field_declarations (Parser *ps,
                          Type   *compound)
{
  Lexer *lx = &ps->lx;
  gboolean by_words = FALSE;
  Type *type;

  if (accept (lx, "typealias"))
    return parse_alias (ps, FALSE);
  if (accept (lx, "typedef"))
    return parse_alias (ps, TRUE);
  if (accept (lx, ";"))
    return TRUE;

  /* "uint32_t magic;": the words that name a type, then the field's name. */
  type = parse_type_specifier (ps, &by_words);
  if (type == NULL)
    return FALSE;
  if (accept (lx, ";"))
    return TRUE;
  for (;;)
    {
      g_autofree char *name = NULL;
      Type *field_type;

      if (lx->tok.kind != TOK_IDENT)
        {
          fail (lx, "a field name");
          return FALSE;
        }
      name = tok_dup (lx);
      lex_next (lx);
      if ((field_type = parse_declarator_dims (ps, type)) == NULL)
        return FALSE;
      add_field (compound, name, field_type);
      if (!accept (lx, ","))
        break;
    }
  return expect (lx, ";");
}

/*
 * typealias TYPE [DIMS] := NAME WORDS;
 * typedef TYPE NAME[DIMS][, NAME[DIMS]]...;
 */
static gboolean
parse_alias (Parser  *ps,
             gboolean typedef_form)
{
  Lexer *lx = &ps->lx;
  gboolean by_words = FALSE;
  Type *type;

  type = parse_type_specifier (ps, &by_words);
  if (type == NULL)
    return FALSE;
  if (typedef_form)
    {
      for (;;)
        {
          g_autofree char *name = NULL;
          Type *named;

          if (lx->tok.kind != TOK_IDENT)
            {
              fail (lx, "a type name");
              return FALSE;
            }
          name = tok_dup (lx);
          lex_next (lx);
          if ((named = parse_declarator_dims (ps, type)) == NULL)
            return FALSE;
          define (ps, NS_ALIAS, name, named);
          if (!accept (lx, ","))
            break;
        }
      return expect (lx, ";");
    }
  else
    {
      g_autoptr(GString) name = g_string_new (NULL);

      if ((type = parse_declarator_dims (ps, type)) == NULL || !expect (lx, ":="))
        return FALSE;
      while (lx->tok.kind == TOK_IDENT)
        {
          if (name->len > 0)
            g_string_append_c (name, ' ');
          g_string_append_len (name, lx->tok.start, lx->tok.len);
          lex_next (lx);
        }
      if (name->len == 0)
        {
          fail (lx, "a type name");
          return FALSE;
        }
      if ((type = parse_declarator_dims (ps, type)) == NULL)
        return FALSE;
      define (ps, NS_ALIAS, name->str, type);
      return expect (lx, ";");
    }
}

/* A dotted name on the left of '=' or ':=' in a block. */
static char *
parse_lhs (Parser *ps)
{
  return parse_path (ps);
}

static StreamClass *
stream_class_by_id (StrataTsdl *tsdl,
                    guint64     id)
{
  for (guint i = 0; i < tsdl->streams->len; i++)
    if (g_array_index (tsdl->streams, StreamClass, i).id == id)
      return &g_array_index (tsdl->streams, StreamClass, i);
  return NULL;
}

static gboolean
parse_uuid (const char *text,
            guint8      uuid[16])
{
  guint n = 0;

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '-')
        continue;
      if (!g_ascii_isxdigit (p[0]) || !g_ascii_isxdigit (p[1]) || n >= 16)
        return FALSE;
      uuid[n++] = g_ascii_xdigit_value (p[0]) << 4 | g_ascii_xdigit_value (p[1]);
      p++;
    }
  return n == 16;
}

typedef enum
{
  BLOCK_TRACE,
  BLOCK_STREAM,
  BLOCK_EVENT,
  BLOCK_CLOCK,
  BLOCK_OTHER,      /* env, callsite, and what we do not know */
} BlockKind;

/* trace { }, stream { }, event { }, clock { }, env { }, callsite { }. */
static void
parse_block (Parser     *ps,
             BlockKind   kind,
             const char *block_start)
{
  Lexer *lx = &ps->lx;
  StrataTsdl *tsdl = ps->tsdl;
  StreamClass sc = { 0, FALSE, NULL, NULL, NULL, -1 };
  Clock clock = { NULL, 1000000000, 0, 0 };
  g_autofree char *event_name = NULL;
  guint64 event_id = 0, event_stream = 0;
  gboolean has_event_stream = FALSE;
  guint trace_attributes = 0;         /* major, minor, byte_order: libbabeltrace2 wants them */
  Type *event_context = NULL, *event_fields = NULL;

  if (!expect (lx, "{"))
    return;
  push_scope (ps);
  while (!failed (lx) && lx->tok.kind != TOK_END && !tok_is (lx, "}"))
    {
      g_autofree char *lhs = NULL;

      if (accept (lx, "typealias"))
        {
          parse_alias (ps, FALSE);
          continue;
        }
      if (accept (lx, "typedef"))
        {
          parse_alias (ps, TRUE);
          continue;
        }
      if (accept (lx, ";"))
        continue;
      if (lx->tok.kind != TOK_IDENT || (lhs = parse_lhs (ps)) == NULL)
        {
          fail (lx, "an attribute");
          break;
        }
      if (accept (lx, ":="))
        {
          gboolean by_words = FALSE;
          Type *type = parse_type_specifier (ps, &by_words);

          if (type == NULL || (type = parse_declarator_dims (ps, type)) == NULL)
            break;
          if (kind == BLOCK_TRACE && g_str_equal (lhs, "packet.header"))
            tsdl->packet_header = type;
          else if (kind == BLOCK_STREAM && g_str_equal (lhs, "packet.context"))
            sc.packet_context = type;
          else if (kind == BLOCK_STREAM && g_str_equal (lhs, "event.header"))
            sc.event_header = type;
          else if (kind == BLOCK_STREAM && g_str_equal (lhs, "event.context"))
            sc.event_context = type;
          else if (kind == BLOCK_EVENT && g_str_equal (lhs, "context"))
            event_context = type;
          else if (kind == BLOCK_EVENT && g_str_equal (lhs, "fields"))
            event_fields = type;
          expect (lx, ";");
        }
      else if (accept (lx, "="))
        {
          Value v;

          if (!parse_value (ps, &v))
            break;
          if (kind == BLOCK_TRACE && g_str_equal (lhs, "byte_order"))
            {
              tsdl->byte_order = byte_order_from (v.text, BO_LE);
              trace_attributes |= 1;
            }
          else if (kind == BLOCK_TRACE && (g_str_equal (lhs, "major") || g_str_equal (lhs, "minor")))
            trace_attributes |= g_str_equal (lhs, "major") ? 2 : 4;
          else if (kind == BLOCK_TRACE && g_str_equal (lhs, "uuid") && v.text != NULL)
            tsdl->has_uuid = parse_uuid (v.text, tsdl->uuid);
          else if (kind == BLOCK_STREAM && g_str_equal (lhs, "id") && v.is_number)
            {
              sc.id = v.number;
              sc.has_id = TRUE;
            }
          else if (kind == BLOCK_EVENT && g_str_equal (lhs, "name") && v.text != NULL)
            {
              g_free (event_name);
              event_name = g_strdup (v.text);
            }
          else if (kind == BLOCK_EVENT && g_str_equal (lhs, "id") && v.is_number)
            event_id = v.number;
          else if (kind == BLOCK_EVENT && g_str_equal (lhs, "stream_id") && v.is_number)
            {
              event_stream = v.number;
              has_event_stream = TRUE;
            }
          else if (kind == BLOCK_CLOCK && g_str_equal (lhs, "name") && v.text != NULL)
            {
              g_free (clock.name);
              clock.name = g_strdup (v.text);
            }
          else if (kind == BLOCK_CLOCK && g_str_equal (lhs, "freq") && v.is_number && !v.negative)
            clock.freq = v.number;
          else if (kind == BLOCK_CLOCK && g_str_equal (lhs, "offset_s") && v.is_number)
            clock.offset_s = v.negative ? -(gint64) MIN (v.number, (guint64) G_MAXINT64)
                                        : (gint64) MIN (v.number, (guint64) G_MAXINT64);
          else if (kind == BLOCK_CLOCK && g_str_equal (lhs, "offset") && v.is_number && !v.negative)
            clock.offset = v.number;
          value_clear (&v);
          expect (lx, ";");
        }
      else
        {
          fail (lx, "= or :=");
          break;
        }
    }
  pop_scope (ps);
  if (failed (lx) || !expect (lx, "}"))
    {
      g_free (clock.name);
      return;
    }
  accept (lx, ";");

  switch (kind)
    {
    case BLOCK_TRACE:
      if (++tsdl->n_trace_blocks > 1)
        fail (lx, "one trace block");
      else if (trace_attributes != 7)
        fail (lx, "major, minor and byte_order in the trace block");
      break;

    case BLOCK_STREAM:
      if (stream_class_by_id (tsdl, sc.id) != NULL)
        fail (lx, "a stream class with an id of its own");
      else
        g_array_append_val (tsdl->streams, sc);
      break;

    case BLOCK_CLOCK:
      if (clock.name == NULL || clock.freq == 0 || clock.freq == G_MAXUINT64)
        {
          g_free (clock.name);
          fail (lx, "a clock with a name and a frequency");
        }
      else
        g_array_append_val (tsdl->clocks, clock);
      return;

    case BLOCK_EVENT:
      {
        StrataTsdlEvent ev = { 0 };
        EventTypes types = { event_context, event_fields };

        ev.id = event_id;
        ev.stream_class = has_event_stream ? (guint) MIN (event_stream, G_MAXUINT) : G_MAXUINT;
        ev.name = event_name ? event_name : "";
        if (event_name != NULL)
          g_ptr_array_add (tsdl->strings, g_steal_pointer (&event_name));
        ev.text_begin = block_start - lx->text;
        ev.text_end = lx->tok.start - lx->text;
        g_array_append_val (tsdl->events, ev);
        g_array_append_val (tsdl->event_types, types);
        break;
      }

    default:
      break;
    }
  g_free (clock.name);
}

/* ---- sizes ---- */

static guint64
sat_add (guint64 a,
         guint64 b)
{
  return a > G_MAXUINT64 - b ? G_MAXUINT64 : a + b;
}

static guint64
sat_mul (guint64 a,
         guint64 b)
{
  return b != 0 && a > G_MAXUINT64 / b ? G_MAXUINT64 : a * b;
}

/* The least a field of @type takes, and the field objects libbabeltrace2 makes for it. */
static void
type_measure (Type  *type,
              guint  depth)
{
  if (type->min_bits != G_MAXUINT64 || depth > MAX_DEPTH * 4)
    return;
  switch (type->kind)
    {
    case TY_INT:
    case TY_ENUM:
    case TY_FLOAT:
      type->min_bits = type->size;
      type->elements = 1;
      break;
    case TY_STRING:
      type->min_bits = 8;
      type->elements = 1;
      break;
    case TY_STRUCT:
      type->min_bits = 0;
      type->elements = 1;
      for (guint i = 0; i < type->fields->len; i++)
        {
          Type *f = g_array_index (type->fields, Field, i).type;

          type_measure (f, depth + 1);
          type->min_bits = sat_add (type->min_bits, f->min_bits);
          type->elements = sat_add (type->elements, f->elements);
        }
      break;
    case TY_VARIANT:
      type->min_bits = G_MAXUINT64 - 1;
      type->elements = 1;
      for (guint i = 0; i < type->fields->len; i++)
        {
          Type *f = g_array_index (type->fields, Field, i).type;

          type_measure (f, depth + 1);
          type->min_bits = MIN (type->min_bits, f->min_bits);
          type->elements = MAX (type->elements, sat_add (f->elements, 1));
        }
      break;
    case TY_ARRAY:
      type_measure (type->element, depth + 1);
      type->min_bits = sat_mul (type->length, type->element->min_bits);
      /* A text array is one string field, whatever its length. */
      type->elements = type->text ? 1 : sat_add (1, sat_mul (type->length, type->element->elements));
      break;
    case TY_SEQUENCE:
      /* Empty at least; but libbabeltrace2 makes an element's fields as soon as the length
       * is not 0, so one element counts (the length itself is bounded as it is read, see
       * strata-bt-guard.c). */
      type_measure (type->element, depth + 1);
      type->min_bits = 0;
      type->elements = type->text ? 1 : sat_add (1, type->element->elements);
      break;
    default:
      type_measure (type->element, depth + 1);
      type->min_bits = 0;
      type->elements = 1;
      break;
    }
}

static guint64
min_bits_of (Type *type)
{
  if (type == NULL)
    return 0;
  type_measure (type, 0);
  return type->min_bits;
}

static guint64
elements_of (Type *type)
{
  if (type == NULL)
    return 0;
  type_measure (type, 0);
  return type->elements;
}

/* ---- clocks ---- */

static gint
clock_index (const StrataTsdl *tsdl,
             const char       *name)
{
  for (guint i = 0; i < tsdl->clocks->len; i++)
    if (g_str_equal (g_array_index (tsdl->clocks, Clock, i).name, name))
      return i;
  return -1;
}

/* The clock the integers of @type map to, as libbabeltrace2 finds a stream's default clock:
 * the first mapped integer; timestamp fields that map to none map to the only clock. */
static gboolean
find_mapped_clock (StrataTsdl *tsdl,
                   Type       *type,
                   const char *name,
                   gint       *clock,
                   guint       depth)
{
  if (type == NULL || depth > MAX_DEPTH * 4)
    return TRUE;
  switch (type->kind)
    {
    case TY_INT:
    case TY_ENUM:
      {
        gint c = -1;

        if (type->clock != NULL)
          {
            if ((c = clock_index (tsdl, type->clock)) < 0)
              return FALSE;
          }
        else if (name != NULL && (g_str_equal (name, "timestamp") || g_str_equal (name, "timestamp_begin") ||
                                  g_str_equal (name, "timestamp_end")))
          c = tsdl->clocks->len <= 1 ? 0 : -2;
        if (c == -2)
          return FALSE;
        if (c >= 0)
          {
            if (*clock >= 0 && *clock != c)
              return FALSE;
            *clock = c;
          }
        return TRUE;
      }
    case TY_STRUCT:
    case TY_VARIANT:
      for (guint i = 0; i < type->fields->len; i++)
        {
          Field *f = &g_array_index (type->fields, Field, i);

          if (!find_mapped_clock (tsdl, f->type, f->name, clock, depth + 1))
            return FALSE;
        }
      return TRUE;
    case TY_ARRAY:
    case TY_SEQUENCE:
      return find_mapped_clock (tsdl, type->element, NULL, clock, depth + 1);
    default:
      return TRUE;
    }
}

StrataTsdl *
strata_tsdl_parse (const char  *text,
                   gsize        len,
                   char       **error_message)
{
  StrataTsdl *tsdl = g_new0 (StrataTsdl, 1);
  Parser ps = { 0 };
  Lexer *lx = &ps.lx;

  tsdl->types = g_ptr_array_new_with_free_func (type_free);
  tsdl->clocks = g_array_new (FALSE, FALSE, sizeof (Clock));
  tsdl->streams = g_array_new (FALSE, FALSE, sizeof (StreamClass));
  tsdl->events = g_array_new (FALSE, FALSE, sizeof (StrataTsdlEvent));
  tsdl->event_types = g_array_new (FALSE, FALSE, sizeof (EventTypes));
  tsdl->strings = g_ptr_array_new_with_free_func (g_free);
  tsdl->byte_order = BO_LE;

  ps.tsdl = tsdl;
  ps.scopes = g_ptr_array_new_with_free_func (scope_free);
  push_scope (&ps);
  lx->text = text;
  lx->p = text;
  lx->end = text + len;
  lex_next (lx);

  while (!failed (lx) && lx->tok.kind != TOK_END)
    {
      const char *start = lx->tok.start;

      if (accept (lx, "typealias"))
        parse_alias (&ps, FALSE);
      else if (accept (lx, "typedef"))
        parse_alias (&ps, TRUE);
      else if (accept (lx, "trace"))
        parse_block (&ps, BLOCK_TRACE, start);
      else if (accept (lx, "stream"))
        parse_block (&ps, BLOCK_STREAM, start);
      else if (accept (lx, "event"))
        parse_block (&ps, BLOCK_EVENT, start);
      else if (accept (lx, "clock"))
        parse_block (&ps, BLOCK_CLOCK, start);
      else if (accept (lx, "env") || accept (lx, "callsite"))
        parse_block (&ps, BLOCK_OTHER, start);
      else if (accept (lx, ";"))
        ;
      else if (tok_is (lx, "struct") || tok_is (lx, "variant") || tok_is (lx, "enum") ||
               tok_is (lx, "integer") || tok_is (lx, "floating_point") || tok_is (lx, "string"))
        {
          gboolean by_words = FALSE;

          /* A named type declared at the top level, maybe with a name after it. */
          if (parse_type_specifier (&ps, &by_words) == NULL)
            break;
          if (lx->tok.kind == TOK_IDENT)
            lex_next (lx);
          expect (lx, ";");
        }
      else if (lx->tok.kind == TOK_IDENT)
        {
          /* A block we do not know: skip it. */
          while (!failed (lx) && lx->tok.kind != TOK_END && !tok_is (lx, "{") && !tok_is (lx, ";"))
            lex_next (lx);
          if (tok_is (lx, "{"))
            skip_balanced (lx);
          accept (lx, ";");
        }
      else
        fail (lx, "a declaration");
    }
  g_ptr_array_unref (ps.scopes);

  if (!failed (lx) && tsdl->n_trace_blocks == 0)
    fail (lx, "a trace block");

  /* A trace without stream blocks has one implicit stream class, 0. */
  if (!failed (lx) && tsdl->streams->len == 0)
    {
      StreamClass sc = { 0, FALSE, NULL, NULL, NULL, -1 };

      g_array_append_val (tsdl->streams, sc);
    }
  if (!failed (lx) && tsdl->streams->len > 1)
    for (guint i = 0; i < tsdl->streams->len; i++)
      if (!g_array_index (tsdl->streams, StreamClass, i).has_id)
        fail (lx, "an id for every stream class");

  for (guint i = 0; !failed (lx) && i < tsdl->streams->len; i++)
    {
      StreamClass *sc = &g_array_index (tsdl->streams, StreamClass, i);

      if (!find_mapped_clock (tsdl, sc->packet_context, NULL, &sc->clock, 0) ||
          !find_mapped_clock (tsdl, sc->event_header, NULL, &sc->clock, 0))
        fail (lx, "one clock per stream class");
      /* A timestamp field with no clock declared at all: libbabeltrace2 makes one at 1 GHz. */
      if (sc->clock >= 0 && tsdl->clocks->len == 0)
        {
          Clock c = { g_strdup ("default"), 1000000000, 0, 0 };

          g_array_append_val (tsdl->clocks, c);
        }
    }

  for (guint i = 0; !failed (lx) && i < tsdl->events->len; i++)
    {
      StrataTsdlEvent *ev = &g_array_index (tsdl->events, StrataTsdlEvent, i);
      EventTypes *types = &g_array_index (tsdl->event_types, EventTypes, i);
      gint sc;

      if (ev->stream_class == G_MAXUINT)
        sc = tsdl->streams->len == 1 ? 0 : -1;
      else
        sc = strata_tsdl_find_stream_class (tsdl, ev->stream_class);
      if (sc < 0)
        {
          fail (lx, "events of declared stream classes");
          break;
        }
      ev->stream_class = sc;
      ev->min_bits = sat_add (sat_add (strata_tsdl_stream_min_event_bits (tsdl, sc), min_bits_of (types->context)),
                              min_bits_of (types->fields));
      ev->elements = sat_add (elements_of (types->context), elements_of (types->fields));
    }

  if (failed (lx))
    {
      if (error_message != NULL)
        {
          gsize line = 1;

          for (const char *p = text; p < lx->error_at && p < lx->end; p++)
            line += *p == '\n';
          *error_message = g_strdup_printf (_("line %zu: expected %s"), line, lx->error);
        }
      strata_tsdl_free (tsdl);
      return NULL;
    }
  return tsdl;
}

static gboolean
has_number_sequence (const Type *type,
                     guint       depth)
{
  if (type == NULL || depth > MAX_DEPTH * 4)
    return FALSE;
  switch (type->kind)
    {
    case TY_SEQUENCE:
      if (!type->text)
        return TRUE;
      return has_number_sequence (type->element, depth + 1);
    case TY_ARRAY:
      return has_number_sequence (type->element, depth + 1);
    case TY_STRUCT:
    case TY_VARIANT:
      for (guint i = 0; i < type->fields->len; i++)
        if (has_number_sequence (g_array_index (type->fields, Field, i).type, depth + 1))
          return TRUE;
      return FALSE;
    default:
      return FALSE;
    }
}

const char *
strata_tsdl_unreadable (const StrataTsdl *tsdl)
{
  if (has_number_sequence (tsdl->packet_header, 0))
    return _("its packet header holds a sequence, which libbabeltrace2 2.0 cannot read");
  for (guint i = 0; i < tsdl->streams->len; i++)
    if (has_number_sequence (g_array_index (tsdl->streams, StreamClass, i).event_header, 0))
      return _("its event header holds a sequence, which libbabeltrace2 2.0 cannot read");
  return NULL;
}

guint
strata_tsdl_n_stream_classes (const StrataTsdl *tsdl)
{
  return tsdl->streams->len;
}

gint
strata_tsdl_find_stream_class (const StrataTsdl *tsdl,
                               guint64           id)
{
  for (guint i = 0; i < tsdl->streams->len; i++)
    if (g_array_index (tsdl->streams, StreamClass, i).id == id)
      return i;
  return -1;
}

gboolean
strata_tsdl_stream_has_clock (const StrataTsdl *tsdl,
                              guint             sc)
{
  return sc < tsdl->streams->len && g_array_index (tsdl->streams, StreamClass, sc).clock >= 0;
}

guint64
strata_tsdl_stream_min_event_bits (const StrataTsdl *tsdl,
                                   guint             sc)
{
  StreamClass *s;

  if (sc >= tsdl->streams->len)
    return 0;
  s = &g_array_index (tsdl->streams, StreamClass, sc);
  return sat_add (min_bits_of (s->event_header), min_bits_of (s->event_context));
}

const StrataTsdlEvent *
strata_tsdl_events (const StrataTsdl *tsdl,
                    guint            *n_events)
{
  *n_events = tsdl->events->len;
  return (const StrataTsdlEvent *) tsdl->events->data;
}

/* libbabeltrace2's arithmetic (lib/trace-ir/utils.h), so that what it cannot convert, we
 * know it cannot. */
static guint64
ns_from_cycles (guint64 freq,
                guint64 cycles)
{
  double ns;

  if (freq == G_GUINT64_CONSTANT (1000000000))
    return cycles;
  ns = 1e9 * (double) cycles / (double) freq;
  return ns >= (double) G_MAXUINT64 ? G_MAXUINT64 : (guint64) ns;
}

gboolean
strata_tsdl_cycles_to_ns (const StrataTsdl *tsdl,
                          guint             sc,
                          guint64           cycles,
                          gint64           *ns)
{
  const Clock *clock;
  gint64 offset_s;
  guint64 offset, value_ns;
  gint64 base;

  if (!strata_tsdl_stream_has_clock (tsdl, sc))
    return FALSE;
  clock = &g_array_index (tsdl->clocks, Clock, g_array_index (tsdl->streams, StreamClass, sc).clock);
  offset_s = clock->offset_s;
  offset = clock->offset;
  if (offset >= clock->freq)
    {
      guint64 s = offset / clock->freq;

      if (s > (guint64) G_MAXINT64 || (offset_s > 0 && (gint64) s > G_MAXINT64 - offset_s))
        return FALSE;
      offset_s += (gint64) s;
      offset -= s * clock->freq;
    }
  if (offset_s <= G_MININT64 / 1000000000 - 1 || offset_s >= G_MAXINT64 / 1000000000 - 1)
    return FALSE;
  base = offset_s * 1000000000 + (gint64) ns_from_cycles (clock->freq, offset);
  value_ns = ns_from_cycles (clock->freq, cycles);
  if (value_ns >= (guint64) G_MAXINT64)
    return FALSE;
  if (base > 0 && (gint64) value_ns > G_MAXINT64 - base)
    return FALSE;
  *ns = base + (gint64) value_ns;
  return TRUE;
}

/* ---- decoding ---- */

typedef struct _Frame Frame;

struct _Frame
{
  Type     *type;         /* STRUCT, or VARIANT (one option decoded) */
  Frame    *parent;
  guint     parent_index;
  guint     n_done;       /* fields decoded so far */
  guint     option;       /* VARIANT: the selected option */
  guint64  *values;       /* per field: integers */
  gboolean *has_value;
  Frame   **children;     /* per field: structures and variants */
};

typedef struct
{
  StrataTsdl   *tsdl;
  const guint8 *buf;
  guint64       len_bits;
  guint64       at;       /* bits from the start of the packet */
  Frame        *header;   /* the roots of the packet header and context, once decoded, */
  Frame        *context;  /* for absolute references */
  GPtrArray    *frames;   /* every frame, to free */
  char        **reason;
  guint         depth;
} Decoder;

static void
frame_free (gpointer data)
{
  Frame *frame = data;

  g_free (frame->values);
  g_free (frame->has_value);
  g_free (frame->children);
  g_free (frame);
}

static Frame *
frame_new (Decoder *d,
           Type    *type,
           Frame   *parent,
           guint    parent_index)
{
  Frame *frame = g_new0 (Frame, 1);
  guint n = type->fields->len;

  frame->type = type;
  frame->parent = parent;
  frame->parent_index = parent_index;
  frame->values = g_new0 (guint64, n);
  frame->has_value = g_new0 (gboolean, n);
  frame->children = g_new0 (Frame *, n);
  g_ptr_array_add (d->frames, frame);
  return frame;
}

static StrataDecodeStatus
bad (Decoder    *d,
     char       *why)
{
  if (*d->reason == NULL)
    *d->reason = why;
  else
    g_free (why);
  return STRATA_DECODE_BAD;
}

static guint64
read_bits (const guint8 *buf,
           guint64       at,
           guint         size,
           ByteOrder     order)
{
  guint64 v = 0;

  if (at % 8 == 0 && size % 8 == 0)
    {
      const guint8 *p = buf + at / 8;
      guint n = size / 8;

      for (guint i = 0; i < n; i++)
        v |= (guint64) p[order == BO_BE ? i : n - 1 - i] << (8 * (n - 1 - i));
      return v;
    }
  for (guint i = 0; i < size; i++)
    {
      guint64 bit = at + i;

      if (order == BO_BE)
        v = v << 1 | ((buf[bit / 8] >> (7 - bit % 8)) & 1);
      else
        v |= (guint64) ((buf[bit / 8] >> (bit % 8)) & 1) << i;
    }
  return v;
}

static guint64
align_up (guint64 at,
          guint64 align)
{
  guint64 rem = at % align;

  return rem == 0 ? at : (at > G_MAXUINT64 - (align - rem) ? G_MAXUINT64 : at + (align - rem));
}


static Field *
frame_field (Frame *frame,
             guint  i)
{
  return &g_array_index (frame->type->fields, Field, i);
}

static gint
find_field (Frame      *frame,
            const char *orig,
            guint       limit)
{
  for (guint i = 0; i < MIN (limit, frame->type->fields->len); i++)
    if (g_str_equal (frame_field (frame, i)->orig, orig))
      return i;
  return -1;
}

/*
 * The integer a reference names, from field @index of @frame: a field before it in the same
 * structure or an enclosing one, or from the root of the packet header or context when the
 * path says so. Names are matched as written, as libbabeltrace2 resolves them.
 */
static gboolean
resolve (Decoder    *d,
         Frame      *frame,
         guint       index,
         const char *path,
         guint64    *value,
         Type      **type)
{
  g_auto(GStrv) tokens = g_strsplit (path, ".", -1);
  Frame *f = NULL;
  gint i = -1;
  guint t = 0;

  if (g_str_has_prefix (path, "trace.packet.header.") || g_str_has_prefix (path, "stream.packet.context."))
    {
      f = tokens[0][0] == 't' ? d->header : d->context;
      t = 3;
      if (f == NULL || tokens[t] == NULL || (i = find_field (f, tokens[t], G_MAXUINT)) < 0)
        return FALSE;
    }
  else
    {
      for (f = frame; f != NULL; index = f->parent_index, f = f->parent)
        if ((i = find_field (f, tokens[0], index)) >= 0)
          break;
      if (f == NULL)
        return FALSE;
    }
  for (t++; tokens[t] != NULL; t++)
    {
      Frame *child = f->children[i];

      if (child == NULL)
        return FALSE;
      if (child->type->kind == TY_VARIANT)
        {
          if (!g_str_equal (frame_field (child, child->option)->orig, tokens[t]))
            return FALSE;
          i = child->option;
        }
      else if ((i = find_field (child, tokens[t], child->n_done)) < 0)
        return FALSE;
      f = child;
    }
  if (!f->has_value[i])
    return FALSE;
  *value = f->values[i];
  *type = frame_field (f, i)->type;
  return TRUE;
}

static ByteOrder
order_of (const Decoder *d,
          const Type    *type)
{
  return type->byte_order == BO_NATIVE ? d->tsdl->byte_order : type->byte_order;
}

static StrataDecodeStatus decode (Decoder *d, Type *type, Frame *frame, guint index);

static StrataDecodeStatus
decode_compound (Decoder *d,
                 Type    *type,
                 Frame   *frame,
                 guint    index,
                 Frame  **out)
{
  Frame *child = frame_new (d, type, frame, index);
  StrataDecodeStatus status = STRATA_DECODE_OK;

  if (frame != NULL)
    frame->children[index] = child;
  if (out != NULL)
    *out = child;

  if (type->kind == TY_STRUCT)
    {
      d->at = align_up (d->at, type->align);
      for (guint i = 0; i < type->fields->len && status == STRATA_DECODE_OK; i++)
        {
          child->n_done = i;
          status = decode (d, frame_field (child, i)->type, child, i);
        }
      child->n_done = type->fields->len;
      return status;
    }
  else
    {
      guint64 tag = 0;
      Type *tag_type = NULL;

      if (type->path == NULL || frame == NULL || !resolve (d, frame, index, type->path, &tag, &tag_type) ||
          tag_type->kind != TY_ENUM)
        return bad (d, g_strdup_printf (_("the tag of a variant (%s) cannot be found"),
                                        type->path ? type->path : "?"));
      for (guint r = 0; r < tag_type->ranges->len; r++)
        {
          const EnumRange *range = &g_array_index (tag_type->ranges, EnumRange, r);
          gboolean in = tag_type->is_signed ? (gint64) tag >= (gint64) range->lo && (gint64) tag <= (gint64) range->hi
                                            : tag >= range->lo && tag <= range->hi;

          if (!in)
            continue;
          for (guint o = 0; o < type->fields->len; o++)
            if (g_str_equal (frame_field (child, o)->orig, range->label))
              {
                child->option = o;
                child->n_done = o;
                status = decode (d, frame_field (child, o)->type, child, o);
                child->n_done = type->fields->len;
                return status;
              }
        }
      return bad (d, g_strdup_printf (_("a variant's tag (%" PRIu64 ") selects none of its options"), tag));
    }
}

static StrataDecodeStatus
decode (Decoder *d,
        Type    *type,
        Frame   *frame,
        guint    index)
{
  StrataDecodeStatus status = STRATA_DECODE_OK;

  if (d->depth > MAX_DEPTH * 4)
    return bad (d, g_strdup (_("types nested too deep")));
  d->depth++;
  switch (type->kind)
    {
    case TY_INT:
    case TY_ENUM:
    case TY_FLOAT:
      d->at = align_up (d->at, type->align);
      if (d->at > d->len_bits || type->size > d->len_bits - d->at)
        status = STRATA_DECODE_SHORT;
      else
        {
          if (type->kind != TY_FLOAT && frame != NULL)
            {
              guint64 v = read_bits (d->buf, d->at, type->size, order_of (d, type));

              if (type->is_signed && type->size < 64 && (v >> (type->size - 1)) & 1)
                v |= G_MAXUINT64 << type->size;
              frame->values[index] = v;
              frame->has_value[index] = TRUE;
            }
          d->at += type->size;
        }
      break;

    case TY_STRING:
      {
        const guint8 *nul;

        d->at = align_up (d->at, 8);
        if (d->at >= d->len_bits)
          status = STRATA_DECODE_SHORT;
        else if ((nul = memchr (d->buf + d->at / 8, 0, (d->len_bits - d->at) / 8)) == NULL)
          status = STRATA_DECODE_SHORT;
        else
          d->at = (guint64) (nul - d->buf + 1) * 8;
        break;
      }

    case TY_STRUCT:
    case TY_VARIANT:
      status = decode_compound (d, type, frame, index, NULL);
      break;

    case TY_ARRAY:
    case TY_SEQUENCE:
      {
        Type *element = type->element;
        guint64 length = type->length;
        guint64 min_bits;

        if (type->kind == TY_SEQUENCE)
          {
            Type *length_type = NULL;

            if (frame == NULL || !resolve (d, frame, index, type->path, &length, &length_type) ||
                (length_type->kind != TY_INT && length_type->kind != TY_ENUM) || length_type->is_signed)
              {
                status = bad (d, g_strdup_printf (_("the length of a sequence (%s) cannot be found"), type->path));
                break;
              }
          }
        min_bits = min_bits_of (element);
        if (min_bits == 0 && length > MAX_EMPTY_ELEMENTS)
          {
            status = bad (d, g_strdup_printf (_("an array of %" PRIu64 " empty elements"), length));
            break;
          }
        if (length > 0 && (d->at > d->len_bits || sat_mul (length, min_bits) > d->len_bits - d->at))
          {
            status = STRATA_DECODE_SHORT;
            break;
          }
        if ((element->kind == TY_INT || element->kind == TY_FLOAT || element->kind == TY_ENUM) &&
            element->size % element->align == 0)
          {
            /* Whole elements, each aligned: the first one's padding is all there is. */
            if (length > 0)
              d->at = align_up (d->at, element->align) + length * element->size;
            if (d->at > d->len_bits)
              status = STRATA_DECODE_SHORT;
            break;
          }
        for (guint64 e = 0; e < length && status == STRATA_DECODE_OK; e++)
          {
            if (element->kind == TY_STRUCT || element->kind == TY_VARIANT)
              {
                /* An element's fields may refer to each other, and to what comes before the
                 * array; nothing outside refers into it. */
                Frame *holder = frame;

                status = decode_compound (d, element, holder, index, NULL);
                if (holder != NULL)
                  holder->children[index] = NULL;
              }
            else
              status = decode (d, element, NULL, 0);
          }
        break;
      }

    default:
      break;
    }
  d->depth--;
  return status;
}

/* The value of a top-level field that libbabeltrace2 gives a meaning to: an unsigned
 * integer or enumeration (it refuses metadata where such a field is anything else). */
static void
take_field (Frame            *root,
            const char       *name,
            StrataPacketField field,
            StrataPacketInfo *info)
{
  for (guint i = 0; i < root->type->fields->len; i++)
    {
      Field *f = frame_field (root, i);

      if (!g_str_equal (f->name, name))
        continue;
      if ((f->type->kind == TY_INT || f->type->kind == TY_ENUM) && !f->type->is_signed && root->has_value[i])
        {
          info->value[field] = root->values[i];
          info->size[field] = f->type->size;
        }
      return;
    }
}

StrataDecodeStatus
strata_tsdl_decode_packet (StrataTsdl       *tsdl,
                           const guint8     *buf,
                           gsize             len,
                           StrataPacketInfo *info,
                           char            **reason)
{
  g_autoptr(GPtrArray) frames = g_ptr_array_new_with_free_func (frame_free);
  Decoder d = { 0 };
  StrataDecodeStatus status = STRATA_DECODE_OK;
  StreamClass *sc;
  gint index = 0;

  memset (info, 0, sizeof *info);
  *reason = NULL;
  d.tsdl = tsdl;
  d.buf = buf;
  d.len_bits = (guint64) len * 8;
  d.frames = frames;
  d.reason = reason;

  if (tsdl->packet_header != NULL)
    {
      if (tsdl->packet_header->kind != TY_STRUCT)
        return bad (&d, g_strdup (_("the packet header is not a structure")));
      if ((status = decode_compound (&d, tsdl->packet_header, NULL, 0, &d.header)) != STRATA_DECODE_OK)
        return status;
      take_field (d.header, "magic", STRATA_PF_MAGIC, info);
      take_field (d.header, "stream_id", STRATA_PF_STREAM_ID, info);
      take_field (d.header, "stream_instance_id", STRATA_PF_STREAM_INSTANCE_ID, info);
    }
  info->header_bits = d.at;
  if (info->size[STRATA_PF_MAGIC] != 0 && info->value[STRATA_PF_MAGIC] != PACKET_MAGIC)
    return bad (&d, g_strdup (_("no packet starts there (wrong magic number)")));

  if (info->size[STRATA_PF_STREAM_ID] != 0)
    {
      if ((index = strata_tsdl_find_stream_class (tsdl, info->value[STRATA_PF_STREAM_ID])) < 0)
        return bad (&d, g_strdup_printf (_("a packet names stream class %" PRIu64 ", which the metadata does not declare"),
                                         info->value[STRATA_PF_STREAM_ID]));
    }
  else if (tsdl->streams->len != 1)
    return bad (&d, g_strdup (_("a packet does not say which of the stream classes it is of")));
  info->stream_class = index;
  sc = &g_array_index (tsdl->streams, StreamClass, index);

  if (sc->packet_context != NULL)
    {
      if (sc->packet_context->kind != TY_STRUCT)
        return bad (&d, g_strdup (_("the packet context is not a structure")));
      if ((status = decode_compound (&d, sc->packet_context, NULL, 0, &d.context)) != STRATA_DECODE_OK)
        return status;
      take_field (d.context, "packet_size", STRATA_PF_PACKET_SIZE, info);
      take_field (d.context, "content_size", STRATA_PF_CONTENT_SIZE, info);
      take_field (d.context, "timestamp_begin", STRATA_PF_TIMESTAMP_BEGIN, info);
      take_field (d.context, "timestamp_end", STRATA_PF_TIMESTAMP_END, info);
      take_field (d.context, "events_discarded", STRATA_PF_EVENTS_DISCARDED, info);
      take_field (d.context, "packet_seq_num", STRATA_PF_PACKET_SEQ_NUM, info);
      take_field (d.context, "cpu_id", STRATA_PF_CPU_ID, info);
    }
  info->preamble_bits = d.at;
  return STRATA_DECODE_OK;
}
