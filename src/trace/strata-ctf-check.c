/* strata-ctf-check.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-ctf-check"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "strata-ctf-check.h"

/* Structures nest rarely more than twice; deeper is damage, or an attack on the stack. */
#define MAX_DEPTH      32
/* No packet header or context is anywhere near this big (bits). */
#define MAX_TYPE_BITS  (G_GUINT64_CONSTANT (1) << 32)
/* Bytes read per packet: the header and context of every layout we understand fit. */
#define MAX_PREAMBLE   4096

#define PACKET_MAGIC   0xC1FC1FC1u
#define METADATA_MAGIC 0x75D11D57u
#define METADATA_HEADER_SIZE 37

/* ---- the metadata text ---- */

static guint32
read_u32 (const guint8 *p,
          gboolean      big_endian)
{
  guint32 v;

  memcpy (&v, p, 4);
  return big_endian ? GUINT32_FROM_BE (v) : GUINT32_FROM_LE (v);
}

char *
strata_ctf_read_metadata (const char *folder,
                          gsize      *len)
{
  g_autofree char *path = g_build_filename (folder, "metadata", NULL);
  g_autofree guint8 *data = NULL;
  GString *text;
  gsize size = 0;
  gsize at = 0;
  gboolean big_endian;

  if (!g_file_get_contents (path, (char **) &data, &size, NULL))
    return NULL;
  if (size < 4 || (read_u32 (data, FALSE) != METADATA_MAGIC && read_u32 (data, TRUE) != METADATA_MAGIC))
    {
      *len = size;
      return (char *) g_steal_pointer (&data);
    }

  /* Packetized: a 37-byte header, then text up to content_size, then padding. */
  big_endian = read_u32 (data, TRUE) == METADATA_MAGIC;
  text = g_string_sized_new (size);
  while (at + METADATA_HEADER_SIZE <= size && read_u32 (data + at, big_endian) == METADATA_MAGIC)
    {
      guint64 content = read_u32 (data + at + 24, big_endian) / 8;
      guint64 packet = read_u32 (data + at + 28, big_endian) / 8;

      if (content < METADATA_HEADER_SIZE || packet < content || packet > size - at)
        break;
      g_string_append_len (text, (const char *) data + at + METADATA_HEADER_SIZE,
                           content - METADATA_HEADER_SIZE);
      at += packet;
    }
  *len = text->len;
  return g_string_free (text, FALSE);
}

/* ---- tokens ---- */

typedef enum
{
  TOK_END,
  TOK_IDENT,
  TOK_NUMBER,
  TOK_STRING,
  TOK_PUNCT,     /* one character, or ":=" and "..." */
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
  const char *p;
  const char *end;
  Token       tok;          /* the current token */
  gboolean    failed;
} Lexer;

static void
lex_next (Lexer *lx)
{
  const char *p = lx->p;
  Token *t = &lx->tok;

  for (;;)
    {
      while (p < lx->end && g_ascii_isspace (*p))
        p++;
      if (p + 1 < lx->end && p[0] == '/' && p[1] == '*')
        {
          const char *close = g_strstr_len (p + 2, lx->end - (p + 2), "*/");

          p = close ? close + 2 : lx->end;
          continue;
        }
      if (p + 1 < lx->end && p[0] == '/' && p[1] == '/')
        {
          while (p < lx->end && *p != '\n')
            p++;
          continue;
        }
      break;
    }

  memset (t, 0, sizeof *t);
  t->start = p;
  if (p >= lx->end || *p == '\0')
    {
      t->kind = TOK_END;
      lx->p = lx->end;
      return;
    }
  if (g_ascii_isalpha (*p) || *p == '_')
    {
      while (p < lx->end && (g_ascii_isalnum (*p) || *p == '_'))
        p++;
      t->kind = TOK_IDENT;
    }
  else if (g_ascii_isdigit (*p) || (*p == '-' && p + 1 < lx->end && g_ascii_isdigit (p[1])))
    {
      const char *q = *p == '-' ? p + 1 : p;
      guint base = 10;
      guint64 v = 0;

      t->number_ok = *p != '-';
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
      /* Integer suffixes (U, L, UL...). */
      while (q < lx->end && (*q == 'u' || *q == 'U' || *q == 'l' || *q == 'L'))
        q++;
      p = q;
      t->kind = TOK_NUMBER;
      t->number = v;
    }
  else if (*p == '"' || *p == '\'')
    {
      char quote = *p++;

      while (p < lx->end && *p != quote)
        p += (*p == '\\' && p + 1 < lx->end) ? 2 : 1;
      if (p < lx->end)
        p++;
      t->kind = TOK_STRING;
    }
  else if (p + 1 < lx->end && p[0] == ':' && p[1] == '=')
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
  t->len = p - t->start;
  lx->p = p;
}

static gboolean
tok_is (const Lexer *lx,
        const char  *text)
{
  return (lx->tok.kind == TOK_IDENT || lx->tok.kind == TOK_PUNCT) &&
         lx->tok.len == strlen (text) && memcmp (lx->tok.start, text, lx->tok.len) == 0;
}

static gboolean
accept (Lexer      *lx,
        const char *text)
{
  if (!tok_is (lx, text))
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
  lx->failed = TRUE;
  return FALSE;
}

static char *
tok_dup (const Lexer *lx)
{
  return g_strndup (lx->tok.start, lx->tok.len);
}

/* Skips a balanced {...}, [...] or (...) starting at the current token. */
static void
skip_balanced (Lexer *lx)
{
  guint depth = 0;

  do
    {
      if (lx->tok.kind == TOK_END)
        {
          lx->failed = TRUE;
          return;
        }
      if (tok_is (lx, "{") || tok_is (lx, "[") || tok_is (lx, "(") || tok_is (lx, "<"))
        depth++;
      else if (tok_is (lx, "}") || tok_is (lx, "]") || tok_is (lx, ")") || tok_is (lx, ">"))
        depth--;
      lex_next (lx);
    }
  while (depth > 0);
}

/* Skips to the ';' that ends the current statement (at this nesting level) and past it. */
static void
skip_statement (Lexer *lx)
{
  while (!lx->failed && lx->tok.kind != TOK_END && !tok_is (lx, ";") && !tok_is (lx, "}"))
    {
      if (tok_is (lx, "{") || tok_is (lx, "[") || tok_is (lx, "("))
        skip_balanced (lx);
      else
        lex_next (lx);
    }
  accept (lx, ";");
}

/* ---- types ---- */

typedef enum
{
  BO_NATIVE,
  BO_LE,
  BO_BE,
} ByteOrder;

typedef enum
{
  TYPE_INT,
  TYPE_FIXED,       /* floating point: a size, nothing to read */
  TYPE_STRUCT,
  TYPE_ARRAY,
  TYPE_VARIABLE,    /* string, sequence, variant: the layout stops there */
} TypeKind;

typedef struct _Type Type;

typedef struct
{
  char *name;
  Type *type;
} Member;

struct _Type
{
  TypeKind   kind;
  guint64    size;          /* bits; INT and FIXED */
  guint64    align;         /* bits */
  ByteOrder  byte_order;
  GArray    *members;       /* Member; STRUCT */
  Type      *element;       /* ARRAY */
  guint64    length;
};

typedef struct
{
  guint64 id;
  Type   *context;
} StreamClass;

struct _StrataCtfLayout
{
  GPtrArray  *types;        /* every Type, owned */
  GHashTable *aliases;      /* name -> Type* (borrowed from types) */
  GHashTable *structs;
  ByteOrder   byte_order;
  Type       *header;
  GArray     *streams;      /* StreamClass */
  Lexer       lx;
  guint       depth;
};

static void
type_free (gpointer data)
{
  Type *type = data;

  if (type->members != NULL)
    {
      for (guint i = 0; i < type->members->len; i++)
        g_free (g_array_index (type->members, Member, i).name);
      g_array_unref (type->members);
    }
  g_free (type);
}

static Type *
type_new (StrataCtfLayout *layout,
          TypeKind         kind)
{
  Type *type = g_new0 (Type, 1);

  type->kind = kind;
  type->align = 8;
  g_ptr_array_add (layout->types, type);
  return type;
}

static Type *
variable_type (StrataCtfLayout *layout)
{
  Type *type = type_new (layout, TYPE_VARIABLE);

  type->align = 1;
  return type;
}

void
strata_ctf_layout_free (StrataCtfLayout *layout)
{
  if (layout == NULL)
    return;
  g_hash_table_unref (layout->aliases);
  g_hash_table_unref (layout->structs);
  g_array_unref (layout->streams);
  g_ptr_array_unref (layout->types);
  g_free (layout);
}

static Type *parse_type (StrataCtfLayout *layout);

/* "name = value;" pairs of an integer or floating point declaration. */
static Type *
parse_number_type (StrataCtfLayout *layout,
                   gboolean         floating)
{
  Lexer *lx = &layout->lx;
  Type *type = type_new (layout, floating ? TYPE_FIXED : TYPE_INT);
  guint64 exp_dig = 0, mant_dig = 0;
  gboolean has_align = FALSE;

  if (!expect (lx, "{"))
    return NULL;
  while (!lx->failed && !tok_is (lx, "}"))
    {
      g_autofree char *name = NULL;

      if (lx->tok.kind != TOK_IDENT)
        {
          lx->failed = TRUE;
          return NULL;
        }
      name = tok_dup (lx);
      lex_next (lx);
      if (!expect (lx, "="))
        return NULL;
      if (g_str_equal (name, "size") || g_str_equal (name, "align") ||
          g_str_equal (name, "exp_dig") || g_str_equal (name, "mant_dig"))
        {
          guint64 v = lx->tok.number;

          if (lx->tok.kind != TOK_NUMBER || !lx->tok.number_ok || v == 0 || v > 4096)
            {
              lx->failed = TRUE;
              return NULL;
            }
          if (g_str_equal (name, "size"))
            type->size = v;
          else if (g_str_equal (name, "align"))
            {
              type->align = v;
              has_align = TRUE;
            }
          else if (g_str_equal (name, "exp_dig"))
            exp_dig = v;
          else
            mant_dig = v;
        }
      else if (g_str_equal (name, "byte_order"))
        {
          if (tok_is (lx, "le") || tok_is (lx, "little"))
            type->byte_order = BO_LE;
          else if (tok_is (lx, "be") || tok_is (lx, "big") || tok_is (lx, "network"))
            type->byte_order = BO_BE;
          else
            type->byte_order = BO_NATIVE;
        }
      skip_statement (lx);
    }
  if (!expect (lx, "}"))
    return NULL;
  if (floating)
    type->size = exp_dig + mant_dig;
  if (type->size == 0 || type->size > 64)
    {
      lx->failed = TRUE;
      return NULL;
    }
  if (!has_align)
    type->align = type->size % 8 == 0 ? 8 : 1;
  if ((type->align & (type->align - 1)) != 0)
    {
      lx->failed = TRUE;
      return NULL;
    }
  return type;
}

static gboolean
struct_add_member (StrataCtfLayout *layout,
                   Type            *st,
                   Type            *type,
                   const char      *name)
{
  Lexer *lx = &layout->lx;
  Member m;

  /* Array dimensions: fixed lengths make arrays, a field name makes a sequence. */
  while (accept (lx, "["))
    {
      if (lx->tok.kind == TOK_NUMBER && lx->tok.number_ok && lx->tok.number < MAX_TYPE_BITS)
        {
          Type *array = type_new (layout, TYPE_ARRAY);

          array->element = type;
          array->length = lx->tok.number;
          array->align = type->align;
          type = array;
          lex_next (lx);
        }
      else
        {
          type = variable_type (layout);
          while (!lx->failed && lx->tok.kind != TOK_END && !tok_is (lx, "]"))
            lex_next (lx);
        }
      if (!expect (lx, "]"))
        return FALSE;
    }
  m.name = g_strdup (name);
  m.type = type;
  g_array_append_val (st->members, m);
  st->align = MAX (st->align, type->align);
  return TRUE;
}

/*
 * A declaration "TYPE NAME[...];" inside a struct. TYPE is a type keyword, or an alias name
 * of one or more words ("unsigned long"): then the last word is the field's name.
 */
static gboolean
parse_member (StrataCtfLayout *layout,
              Type            *st)
{
  Lexer *lx = &layout->lx;
  g_autoptr(GPtrArray) words = g_ptr_array_new_with_free_func (g_free);
  Type *type;

  if (tok_is (lx, "integer") || tok_is (lx, "struct") || tok_is (lx, "enum") ||
      tok_is (lx, "string") || tok_is (lx, "variant") || tok_is (lx, "floating_point"))
    {
      if ((type = parse_type (layout)) == NULL)
        return FALSE;
      if (lx->tok.kind != TOK_IDENT)
        {
          lx->failed = TRUE;
          return FALSE;
        }
      {
        g_autofree char *name = tok_dup (lx);

        lex_next (lx);
        if (!struct_add_member (layout, st, type, name))
          return FALSE;
      }
    }
  else
    {
      g_autofree char *alias = NULL;

      while (lx->tok.kind == TOK_IDENT)
        {
          g_ptr_array_add (words, tok_dup (lx));
          lex_next (lx);
        }
      if (words->len < 2)
        {
          lx->failed = TRUE;
          return FALSE;
        }
      g_ptr_array_add (words, NULL);
      alias = g_strjoinv (" ", (char **) words->pdata);
      *strrchr (alias, ' ') = '\0';
      if ((type = g_hash_table_lookup (layout->aliases, alias)) == NULL)
        {
          lx->failed = TRUE;
          return FALSE;
        }
      if (!struct_add_member (layout, st, type, g_ptr_array_index (words, words->len - 2)))
        return FALSE;
    }
  /* A variant's tag, or a bit-field width: not in packet headers. */
  if (!tok_is (lx, ";"))
    {
      lx->failed = TRUE;
      return FALSE;
    }
  lex_next (lx);
  return TRUE;
}

static Type *
parse_struct (StrataCtfLayout *layout)
{
  Lexer *lx = &layout->lx;
  g_autofree char *name = NULL;
  Type *st;

  if (lx->tok.kind == TOK_IDENT)
    {
      name = tok_dup (lx);
      lex_next (lx);
    }
  if (!tok_is (lx, "{"))
    {
      Type *known = name ? g_hash_table_lookup (layout->structs, name) : NULL;

      if (known == NULL)
        lx->failed = TRUE;
      return known;
    }
  lex_next (lx);
  st = type_new (layout, TYPE_STRUCT);
  st->align = 1;
  st->members = g_array_new (FALSE, FALSE, sizeof (Member));
  while (!lx->failed && lx->tok.kind != TOK_END && !tok_is (lx, "}"))
    if (!parse_member (layout, st))
      return NULL;
  if (!expect (lx, "}"))
    return NULL;
  if (accept (lx, "align"))
    {
      if (!expect (lx, "(") || lx->tok.kind != TOK_NUMBER || lx->tok.number == 0 ||
          lx->tok.number > 4096 || (lx->tok.number & (lx->tok.number - 1)) != 0)
        {
          lx->failed = TRUE;
          return NULL;
        }
      st->align = MAX (st->align, lx->tok.number);
      lex_next (lx);
      if (!expect (lx, ")"))
        return NULL;
    }
  if (name != NULL)
    g_hash_table_replace (layout->structs, g_steal_pointer (&name), st);
  return st;
}

/* A type in its keyword form: integer, floating_point, struct, string, variant or enum. */
static Type *
parse_type (StrataCtfLayout *layout)
{
  Lexer *lx = &layout->lx;
  Type *type = NULL;

  if (++layout->depth > MAX_DEPTH)
    {
      lx->failed = TRUE;
      layout->depth--;
      return NULL;
    }

  if (accept (lx, "integer"))
    type = parse_number_type (layout, FALSE);
  else if (accept (lx, "floating_point"))
    type = parse_number_type (layout, TRUE);
  else if (accept (lx, "struct"))
    type = parse_struct (layout);
  else if (accept (lx, "string"))
    {
      if (tok_is (lx, "{"))
        skip_balanced (lx);
      type = variable_type (layout);
    }
  else if (accept (lx, "variant"))
    {
      if (lx->tok.kind == TOK_IDENT)
        lex_next (lx);
      if (tok_is (lx, "<"))
        skip_balanced (lx);
      if (tok_is (lx, "{"))
        skip_balanced (lx);
      type = variable_type (layout);
    }
  else if (accept (lx, "enum"))
    {
      /* An enumeration is laid out as its container integer. */
      if (lx->tok.kind == TOK_IDENT && !tok_is (lx, "integer"))
        lex_next (lx);
      if (accept (lx, ":"))
        {
          if (tok_is (lx, "integer"))
            type = parse_type (layout);
          else
            {
              g_autoptr(GString) alias = g_string_new (NULL);

              while (lx->tok.kind == TOK_IDENT)
                {
                  if (alias->len > 0)
                    g_string_append_c (alias, ' ');
                  g_string_append_len (alias, lx->tok.start, lx->tok.len);
                  lex_next (lx);
                }
              type = g_hash_table_lookup (layout->aliases, alias->str);
            }
        }
      else
        type = g_hash_table_lookup (layout->aliases, "int");
      if (type == NULL || type->kind != TYPE_INT || !tok_is (lx, "{"))
        {
          lx->failed = TRUE;
          type = NULL;
        }
      else
        skip_balanced (lx);
    }
  else
    lx->failed = TRUE;

  layout->depth--;
  return lx->failed ? NULL : type;
}

/* "typealias TYPE := NAME;" and "typedef TYPE NAME;". */
static void
parse_alias (StrataCtfLayout *layout,
             gboolean         typedef_form)
{
  Lexer *lx = &layout->lx;
  g_autoptr(GString) name = g_string_new (NULL);
  Type *type;

  if (tok_is (lx, "integer") || tok_is (lx, "struct") || tok_is (lx, "enum") ||
      tok_is (lx, "string") || tok_is (lx, "variant") || tok_is (lx, "floating_point"))
    type = parse_type (layout);
  else
    {
      g_autoptr(GString) target = g_string_new (NULL);

      /* typedef: every word but the last names the type. */
      while (lx->tok.kind == TOK_IDENT)
        {
          if (target->len > 0)
            g_string_append_c (target, ' ');
          g_string_append_len (target, lx->tok.start, lx->tok.len);
          lex_next (lx);
        }
      if (typedef_form)
        {
          char *space = strrchr (target->str, ' ');

          if (space == NULL)
            {
              lx->failed = TRUE;
              return;
            }
          g_string_append (name, space + 1);
          g_string_truncate (target, space - target->str);
        }
      type = g_hash_table_lookup (layout->aliases, target->str);
      if (type == NULL)
        {
          /* Something we do not lay out (it may never be used in a packet header). */
          skip_statement (lx);
          return;
        }
    }
  if (lx->failed || type == NULL)
    return;

  if (!typedef_form)
    {
      if (!expect (lx, ":="))
        return;
      while (lx->tok.kind == TOK_IDENT)
        {
          if (name->len > 0)
            g_string_append_c (name, ' ');
          g_string_append_len (name, lx->tok.start, lx->tok.len);
          lex_next (lx);
        }
    }
  else if (name->len == 0)
    {
      if (lx->tok.kind != TOK_IDENT)
        {
          lx->failed = TRUE;
          return;
        }
      g_string_append_len (name, lx->tok.start, lx->tok.len);
      lex_next (lx);
    }
  if (name->len == 0 || !expect (lx, ";"))
    {
      lx->failed = TRUE;
      return;
    }
  g_hash_table_replace (layout->aliases, g_strdup (name->str), type);
}

/* The body of a trace { } or stream { } block: we want byte_order, packet.header, id and
 * packet.context, and skip the rest. */
static void
parse_block (StrataCtfLayout *layout,
             gboolean         is_trace)
{
  Lexer *lx = &layout->lx;
  StreamClass sc = { 0, NULL };

  if (!expect (lx, "{"))
    return;
  while (!lx->failed && lx->tok.kind != TOK_END && !tok_is (lx, "}"))
    {
      if (is_trace && accept (lx, "byte_order"))
        {
          if (!expect (lx, "="))
            return;
          if (tok_is (lx, "be") || tok_is (lx, "big") || tok_is (lx, "network"))
            layout->byte_order = BO_BE;
          else
            layout->byte_order = BO_LE;
          skip_statement (lx);
        }
      else if (!is_trace && accept (lx, "id"))
        {
          if (!expect (lx, "=") || lx->tok.kind != TOK_NUMBER)
            {
              lx->failed = TRUE;
              return;
            }
          sc.id = lx->tok.number;
          skip_statement (lx);
        }
      else if (accept (lx, "packet"))
        {
          Type **slot = is_trace ? &layout->header : &sc.context;

          if (!expect (lx, ".") || !(is_trace ? expect (lx, "header") : expect (lx, "context")) ||
              !expect (lx, ":="))
            return;
          *slot = parse_type (layout);
          if (*slot == NULL || (*slot)->kind != TYPE_STRUCT || !expect (lx, ";"))
            {
              lx->failed = TRUE;
              return;
            }
        }
      else
        skip_statement (lx);
    }
  if (!expect (lx, "}"))
    return;
  accept (lx, ";");
  if (!is_trace)
    g_array_append_val (layout->streams, sc);
}

StrataCtfLayout *
strata_ctf_layout_parse (const char *text,
                         gsize       len)
{
  g_autoptr(StrataCtfLayout) layout = g_new0 (StrataCtfLayout, 1);
  Lexer *lx = &layout->lx;

  g_return_val_if_fail (text != NULL || len == 0, NULL);

  layout->types = g_ptr_array_new_with_free_func (type_free);
  layout->aliases = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  layout->structs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  layout->streams = g_array_new (FALSE, FALSE, sizeof (StreamClass));
  layout->byte_order = BO_LE;

  lx->p = text;
  lx->end = text + len;
  lex_next (lx);
  while (!lx->failed && lx->tok.kind != TOK_END)
    {
      if (accept (lx, "typealias"))
        parse_alias (layout, FALSE);
      else if (accept (lx, "typedef"))
        parse_alias (layout, TRUE);
      else if (accept (lx, "trace"))
        parse_block (layout, TRUE);
      else if (accept (lx, "stream"))
        parse_block (layout, FALSE);
      else if (tok_is (lx, "struct"))
        {
          lex_next (lx);
          if (parse_struct (layout) != NULL)
            expect (lx, ";");
        }
      else
        {
          /* event, env, clock, callsite, enum, variant...: not needed. */
          while (!lx->failed && lx->tok.kind != TOK_END && !tok_is (lx, "{") && !tok_is (lx, ";"))
            lex_next (lx);
          if (tok_is (lx, "{"))
            skip_balanced (lx);
          skip_statement (lx);
        }
    }
  if (lx->failed || layout->streams->len == 0)
    return NULL;
  return g_steal_pointer (&layout);
}

/* ---- laying out and reading packets ---- */

/* The fields of a packet header and context that framing depends on. */
enum {
  F_MAGIC,
  F_STREAM_ID,
  F_PACKET_SIZE,
  F_CONTENT_SIZE,
  F_EVENTS_DISCARDED,
  F_PACKET_SEQ_NUM,
  N_FIELDS
};

static const char *field_names[N_FIELDS] = {
  "magic", "stream_id", "packet_size", "content_size", "events_discarded", "packet_seq_num",
};

typedef struct
{
  guint64   offset[N_FIELDS];   /* bits from the packet's start */
  guint     size[N_FIELDS];     /* 0: absent, or not byte-aligned (not checked) */
  ByteOrder order[N_FIELDS];
  guint64   end;                /* bits: where the known part ends */
  gboolean  complete;           /* the whole structure was laid out */
} Fields;

static guint64
align_up (guint64 offset,
          guint64 align)
{
  return (offset + align - 1) / align * align;
}

/* Lays out @type from bit @offset, noting the top-level fields we want; FALSE when a
 * variable-size member stops the layout. */
static gboolean
lay_out (Type    *type,
         guint64 *offset,
         Fields  *fields,
         gboolean top,
         guint    depth)
{
  if (depth > MAX_DEPTH || *offset > MAX_TYPE_BITS)
    return FALSE;
  *offset = align_up (*offset, type->align);
  switch (type->kind)
    {
    case TYPE_INT:
    case TYPE_FIXED:
      *offset += type->size;
      return TRUE;

    case TYPE_STRUCT:
      for (guint i = 0; i < type->members->len; i++)
        {
          Member *m = &g_array_index (type->members, Member, i);
          guint64 start = align_up (*offset, m->type->align);

          if (top && m->type->kind == TYPE_INT)
            for (guint f = 0; f < N_FIELDS; f++)
              if (g_str_equal (m->name, field_names[f]) && start % 8 == 0 &&
                  (m->type->size == 8 || m->type->size == 16 || m->type->size == 32 ||
                   m->type->size == 64))
                {
                  fields->offset[f] = start;
                  fields->size[f] = m->type->size;
                  fields->order[f] = m->type->byte_order;
                }
          if (!lay_out (m->type, offset, fields, FALSE, depth + 1))
            return FALSE;
        }
      return TRUE;

    case TYPE_ARRAY:
      {
        guint64 start = *offset;
        guint64 stride;

        /* Every element starts aligned: lay one out to learn the stride. */
        if (!lay_out (type->element, offset, fields, FALSE, depth + 1) || *offset > MAX_TYPE_BITS)
          return FALSE;
        stride = align_up (*offset - start, type->element->align);
        if (type->length == 0)
          *offset = start;
        else if (stride != 0 && type->length - 1 > (MAX_TYPE_BITS - *offset) / stride)
          return FALSE;
        else
          *offset = start + stride * (type->length - 1) + (*offset - start);
        return TRUE;
      }

    case TYPE_VARIABLE:
    default:
      return FALSE;
    }
}

static guint64
get_field (const Fields *fields,
           guint         f,
           const guint8 *buf,
           ByteOrder     trace_order)
{
  const guint8 *p = buf + fields->offset[f] / 8;
  ByteOrder order = fields->order[f] == BO_NATIVE ? trace_order : fields->order[f];
  guint n = fields->size[f] / 8;
  guint64 v = 0;

  for (guint i = 0; i < n; i++)
    v |= (guint64) p[order == BO_BE ? i : n - 1 - i] << (8 * (n - 1 - i));
  return v;
}

static gboolean
has_field (const Fields *fields,
           guint         f)
{
  return fields->size[f] != 0;
}

static gboolean
fail (guint64    offset,
      guint64   *good_bytes,
      char     **reason,
      char      *why)
{
  *good_bytes = offset;
  *reason = why;
  return FALSE;
}

/* With @first_discarded, stops after the first packet and gives its events_discarded. */
static gboolean
walk_packets (StrataCtfLayout *layout,
              StrataCtfRead    read,
              gpointer         data,
              guint64          size,
              guint64         *good_bytes,
              char           **reason,
              guint64         *first_discarded)
{
  Fields header = { 0 };
  g_autofree Fields *contexts = NULL;
  g_autofree guint8 *buf = g_malloc (MAX_PREAMBLE);
  guint64 header_end = 0;
  guint64 offset = 0;

  header.complete = layout->header == NULL ||
                    lay_out (layout->header, &header_end, &header, TRUE, 0);
  header.end = header_end;
  contexts = g_new0 (Fields, layout->streams->len);
  for (guint s = 0; s < layout->streams->len; s++)
    {
      StreamClass *sc = &g_array_index (layout->streams, StreamClass, s);
      guint64 end = header_end;

      contexts[s].end = header_end;
      if (!header.complete)
        continue;
      if (sc->context == NULL)
        contexts[s].complete = TRUE;
      else
        {
          contexts[s].complete = lay_out (sc->context, &end, &contexts[s], TRUE, 0);
          contexts[s].end = end;
        }
    }

  while (offset < size)
    {
      Fields *ctx = NULL;
      guint64 left = size - offset;
      guint64 preamble_bits;
      guint64 preamble;
      guint64 packet_bits = 0, content_bits = 0;
      gsize want;

      /* The stream class, by the header's stream_id, or the only one. */
      if (has_field (&header, F_STREAM_ID))
        {
          guint64 id;

          if (left * 8 < header.offset[F_STREAM_ID] + header.size[F_STREAM_ID])
            return fail (offset, good_bytes, reason, g_strdup (_("the file ends inside a packet header")));
          want = MIN ((header.offset[F_STREAM_ID] + header.size[F_STREAM_ID]) / 8, MAX_PREAMBLE);
          if (!read (data, offset, buf, want))
            return TRUE;
          id = get_field (&header, F_STREAM_ID, buf, layout->byte_order);
          for (guint s = 0; s < layout->streams->len && ctx == NULL; s++)
            if (g_array_index (layout->streams, StreamClass, s).id == id)
              ctx = &contexts[s];
          if (ctx == NULL)
            return fail (offset, good_bytes, reason,
                         g_strdup_printf (_("a packet names stream class %" G_GUINT64_FORMAT ", which the metadata does not declare"), id));
        }
      else if (layout->streams->len == 1)
        ctx = &contexts[0];
      else
        return TRUE;

      /* Read what of the header and context is laid out: their end, or up to the last
       * field we know when a variable-size member stops the layout. */
      preamble_bits = ctx->complete ? ctx->end : 0;
      for (guint f = 0; f < N_FIELDS; f++)
        {
          const Fields *src = has_field (&header, f) ? &header : ctx;

          if (has_field (src, f))
            preamble_bits = MAX (preamble_bits, src->offset[f] + src->size[f]);
        }
      preamble = align_up (preamble_bits, 8) / 8;
      if (preamble > MAX_PREAMBLE)
        return TRUE;
      if (left < preamble)
        return fail (offset, good_bytes, reason, g_strdup (_("the file ends inside a packet header")));
      if (!read (data, offset, buf, preamble))
        return TRUE;

      if (has_field (&header, F_MAGIC) && header.size[F_MAGIC] == 32 &&
          get_field (&header, F_MAGIC, buf, layout->byte_order) != PACKET_MAGIC)
        return fail (offset, good_bytes, reason,
                     g_strdup (_("no packet starts there (wrong magic number)")));

      if (has_field (ctx, F_PACKET_SIZE))
        {
          packet_bits = get_field (ctx, F_PACKET_SIZE, buf, layout->byte_order);
          if (packet_bits == 0 || packet_bits % 8 != 0 || packet_bits / 8 < preamble ||
              packet_bits / 8 > left)
            return fail (offset, good_bytes, reason,
                         g_strdup_printf (packet_bits / 8 > left
                                          ? _("a packet declares a size of %" G_GUINT64_FORMAT " bits, past the end of the file")
                                          : _("a packet declares an impossible size of %" G_GUINT64_FORMAT " bits"),
                                          packet_bits));
        }
      if (has_field (ctx, F_CONTENT_SIZE))
        {
          guint64 limit = packet_bits ? packet_bits : left * 8;

          content_bits = get_field (ctx, F_CONTENT_SIZE, buf, layout->byte_order);
          if (content_bits > limit || content_bits < preamble_bits)
            return fail (offset, good_bytes, reason,
                         g_strdup_printf (_("a packet declares %" G_GUINT64_FORMAT " bits of content in %" G_GUINT64_FORMAT " bits"),
                                          content_bits, limit));
        }
      /* libbabeltrace2 takes a counter of all ones for "no value", and then aborts when
       * an earlier packet of the stream had one. */
      if ((has_field (ctx, F_EVENTS_DISCARDED) && ctx->size[F_EVENTS_DISCARDED] == 64 &&
           get_field (ctx, F_EVENTS_DISCARDED, buf, layout->byte_order) == G_MAXUINT64) ||
          (has_field (ctx, F_PACKET_SEQ_NUM) && ctx->size[F_PACKET_SEQ_NUM] == 64 &&
           get_field (ctx, F_PACKET_SEQ_NUM, buf, layout->byte_order) == G_MAXUINT64))
        return fail (offset, good_bytes, reason, g_strdup (_("a packet holds an impossible counter value")));

      if (first_discarded != NULL)
        {
          if (!has_field (ctx, F_EVENTS_DISCARDED))
            return FALSE;
          *first_discarded = get_field (ctx, F_EVENTS_DISCARDED, buf, layout->byte_order);
          return TRUE;
        }

      /* Without a packet size, the file is one packet. */
      if (packet_bits == 0)
        break;
      offset += packet_bits / 8;
    }
  return TRUE;
}

gboolean
strata_ctf_layout_check (StrataCtfLayout *layout,
                         StrataCtfRead    read,
                         gpointer         data,
                         guint64          size,
                         guint64         *good_bytes,
                         char           **reason)
{
  g_return_val_if_fail (layout != NULL, TRUE);

  return walk_packets (layout, read, data, size, good_bytes, reason, NULL);
}

/* ---- stream files of a folder ---- */

void
strata_stream_damage_free (StrataStreamDamage *damage)
{
  if (damage == NULL)
    return;
  g_free (damage->file);
  g_free (damage->reason);
  g_free (damage);
}

static gboolean
read_fp (gpointer  data,
         guint64   offset,
         guint8   *buf,
         gsize     len)
{
  FILE *fp = data;

  return fseeko (fp, (off_t) offset, SEEK_SET) == 0 && fread (buf, 1, len, fp) == len;
}

GPtrArray *
strata_ctf_check_streams (const char   *folder,
                          GCancellable *cancellable)
{
  GPtrArray *damaged = g_ptr_array_new_with_free_func ((GDestroyNotify) strata_stream_damage_free);
  g_autoptr(StrataCtfLayout) layout = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) names = NULL;
  g_autofree char *text = NULL;
  const char *name;
  gsize len = 0;

  if ((dir = g_dir_open (folder, 0, NULL)) == NULL)
    return damaged;
  if ((text = strata_ctf_read_metadata (folder, &len)) != NULL)
    layout = strata_ctf_layout_parse (text, len);

  names = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (name[0] != '.' && strcmp (name, "metadata") != 0)
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);

  for (guint i = 0; i < names->len && !g_cancellable_is_cancelled (cancellable); i++)
    {
      const char *file = *(const char **) &g_ptr_array_index (names, i);
      g_autofree char *path = g_build_filename (folder, file, NULL);
      g_autofree char *reason = NULL;
      guint64 good = 0;
      GStatBuf st;
      FILE *fp;

      /* libbabeltrace2 reads regular files only. One it cannot open makes it refuse the
       * whole trace (and leak a little): leave it out up front. */
      if (g_stat (path, &st) != 0 || !S_ISREG (st.st_mode))
        continue;
      if ((fp = g_fopen (path, "rb")) == NULL)
        {
          StrataStreamDamage *damage = g_new0 (StrataStreamDamage, 1);

          damage->file = g_strdup (file);
          damage->reason = g_strdup (g_strerror (errno));
          damage->unreadable = TRUE;
          g_ptr_array_add (damaged, damage);
          continue;
        }
      if (layout != NULL && st.st_size > 0 &&
          !strata_ctf_layout_check (layout, read_fp, fp, st.st_size, &good, &reason))
        {
          StrataStreamDamage *damage = g_new0 (StrataStreamDamage, 1);

          damage->file = g_strdup (file);
          damage->good_bytes = good;
          damage->reason = g_steal_pointer (&reason);
          g_ptr_array_add (damaged, damage);
        }
      fclose (fp);
    }
  return damaged;
}

gboolean
strata_ctf_first_packet_discarded (const char *folder,
                                   const char *file,
                                   guint64    *count)
{
  g_autoptr(StrataCtfLayout) layout = NULL;
  g_autofree char *text = NULL;
  g_autofree char *path = g_build_filename (folder, file, NULL);
  g_autofree char *reason = NULL;
  guint64 good = 0;
  gboolean ok;
  gsize len = 0;
  GStatBuf st;
  FILE *fp;

  if ((text = strata_ctf_read_metadata (folder, &len)) == NULL ||
      (layout = strata_ctf_layout_parse (text, len)) == NULL ||
      g_stat (path, &st) != 0 || (fp = g_fopen (path, "rb")) == NULL)
    return FALSE;
  *count = 0;
  ok = walk_packets (layout, read_fp, fp, st.st_size, &good, &reason, count);
  fclose (fp);
  return ok && reason == NULL;
}
