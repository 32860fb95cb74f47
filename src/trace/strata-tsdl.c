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

#include "strata-tsdl-private.h"

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
  g_free (tsdl->hostname);
  g_free (tsdl->domain);
  g_free (tsdl);
}

const char *
strata_tsdl_env_hostname (const StrataTsdl *tsdl)
{
  return tsdl->hostname;
}

const char *
strata_tsdl_env_domain (const StrataTsdl *tsdl)
{
  return tsdl->domain;
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
      tsdl_fail (&ps->lx, "fewer types");
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
      tsdl_fail (&ps->lx, "less nesting");
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
  if (tsdl_accept (lx, "-"))
    v->negative = TRUE;
  else
    tsdl_accept (lx, "+");
  if (lx->tok.kind == TOK_NUMBER)
    {
      v->is_number = TRUE;
      v->number = lx->tok.number;
      v->number_ok = lx->tok.number_ok;
      tsdl_lex_next (lx);
      return TRUE;
    }
  if (v->negative)
    {
      tsdl_fail (lx, "a number");
      return FALSE;
    }
  if (lx->tok.kind == TOK_STRING)
    {
      v->text = tsdl_tok_string (lx);
      tsdl_lex_next (lx);
      return TRUE;
    }
  if (lx->tok.kind == TOK_IDENT)
    {
      GString *path = g_string_new (NULL);

      g_string_append_len (path, lx->tok.start, lx->tok.len);
      tsdl_lex_next (lx);
      while (tsdl_tok_is (lx, ".") || tsdl_tok_is (lx, "->"))
        {
          tsdl_lex_next (lx);
          if (lx->tok.kind != TOK_IDENT)
            {
              tsdl_fail (lx, "a name");
              g_string_free (path, TRUE);
              return FALSE;
            }
          g_string_append_c (path, '.');
          g_string_append_len (path, lx->tok.start, lx->tok.len);
          tsdl_lex_next (lx);
        }
      v->text = g_string_free (path, FALSE);
      return TRUE;
    }
  tsdl_fail (lx, "a value");
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

  if (type == NULL || !tsdl_expect (lx, "{"))
    return NULL;
  while (!tsdl_failed (lx) && lx->tok.kind != TOK_END && !tsdl_tok_is (lx, "}"))
    {
      g_autofree char *name = NULL;
      Value v;

      if (lx->tok.kind != TOK_IDENT)
        {
          tsdl_fail (lx, "an attribute");
          return NULL;
        }
      name = tsdl_tok_dup (lx);
      tsdl_lex_next (lx);
      if (!tsdl_expect (lx, "=") || !parse_value (ps, &v))
        return NULL;
      if (g_str_equal (name, "size") || g_str_equal (name, "align") ||
          g_str_equal (name, "exp_dig") || g_str_equal (name, "mant_dig"))
        {
          if (!v.is_number || v.negative || !v.number_ok || v.number == 0 || v.number > G_MAXUINT32)
            {
              tsdl_fail (lx, "a positive size");
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
      if (!tsdl_expect (lx, ";"))
        return NULL;
    }
  if (!tsdl_expect (lx, "}"))
    return NULL;
  if (floating)
    type->size = exp_dig + mant_dig;
  if (type->size == 0 || type->size > 64)
    {
      tsdl_fail (lx, "a size from 1 to 64 bits");
      return NULL;
    }
  if (!has_align)
    type->align = type->size % 8 == 0 ? 8 : 1;
  if (!is_power_of_two (type->align))
    {
      tsdl_fail (lx, "an alignment that is a power of two");
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

  if (!tsdl_accept (lx, "align"))
    return TRUE;
  if (!tsdl_expect (lx, "(") || lx->tok.kind != TOK_NUMBER || !lx->tok.number_ok ||
      !is_power_of_two (lx->tok.number) || lx->tok.number > G_MAXUINT32)
    {
      tsdl_fail (lx, "an alignment that is a power of two");
      return FALSE;
    }
  type->align = MAX (type->align, lx->tok.number);
  tsdl_lex_next (lx);
  return tsdl_expect (lx, ")");
}

/* struct [NAME] [{ ... }] [align(N)] */
static Type *
parse_struct (Parser *ps)
{
  Lexer *lx = &ps->lx;
  g_autofree char *name = NULL;
  Type *type;

  if (lx->tok.kind == TOK_IDENT && !tsdl_tok_is (lx, "align"))
    {
      name = tsdl_tok_dup (lx);
      tsdl_lex_next (lx);
    }
  if (!tsdl_tok_is (lx, "{"))
    {
      Type *known = name ? lookup (ps, NS_STRUCT, name) : NULL;

      if (known == NULL)
        {
          tsdl_fail (lx, "a declared structure");
          return NULL;
        }
      if (tsdl_tok_is (lx, "align"))
        {
          type = type_copy (ps, known);
          if (type == NULL || !parse_align_attribute (ps, type))
            return NULL;
          return type;
        }
      return known;
    }
  tsdl_lex_next (lx);
  type = type_new (ps, TY_STRUCT);
  if (type == NULL)
    return NULL;
  type->align = 1;
  type->fields = g_array_new (FALSE, FALSE, sizeof (Field));
  push_scope (ps);
  while (!tsdl_failed (lx) && lx->tok.kind != TOK_END && !tsdl_tok_is (lx, "}"))
    if (!parse_field_declarations (ps, type))
      break;
  pop_scope (ps);
  if (tsdl_failed (lx) || !tsdl_expect (lx, "}"))
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
          tsdl_fail (lx, "a field name");
          g_string_free (path, TRUE);
          return NULL;
        }
      g_string_append_len (path, lx->tok.start, lx->tok.len);
      tsdl_lex_next (lx);
      if (!tsdl_tok_is (lx, ".") && !tsdl_tok_is (lx, "->"))
        break;
      tsdl_lex_next (lx);
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
      name = tsdl_tok_dup (lx);
      tsdl_lex_next (lx);
    }
  if (tsdl_accept (lx, "<"))
    {
      if ((tag = parse_path (ps)) == NULL || !tsdl_expect (lx, ">"))
        return NULL;
    }
  if (!tsdl_tok_is (lx, "{"))
    {
      Type *known = name ? lookup (ps, NS_VARIANT, name) : NULL;

      if (known == NULL)
        {
          tsdl_fail (lx, "a declared variant");
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
  tsdl_lex_next (lx);
  type = type_new (ps, TY_VARIANT);
  if (type == NULL)
    return NULL;
  type->align = 1;
  type->fields = g_array_new (FALSE, FALSE, sizeof (Field));
  type->path = g_steal_pointer (&tag);
  push_scope (ps);
  while (!tsdl_failed (lx) && lx->tok.kind != TOK_END && !tsdl_tok_is (lx, "}"))
    if (!parse_field_declarations (ps, type))
      break;
  pop_scope (ps);
  if (tsdl_failed (lx) || !tsdl_expect (lx, "}"))
    return NULL;
  if (type->fields->len == 0)
    {
      tsdl_fail (lx, "a variant with options");
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
      name = tsdl_tok_dup (lx);
      tsdl_lex_next (lx);
    }
  if (tsdl_accept (lx, ":"))
    {
      gboolean by_words = FALSE;

      if ((container = parse_type_specifier (ps, &by_words)) == NULL)
        return NULL;
    }
  if (!tsdl_tok_is (lx, "{"))
    {
      Type *known = name ? lookup (ps, NS_ENUM, name) : NULL;

      if (known == NULL)
        tsdl_fail (lx, "a declared enumeration");
      return known;
    }
  if (container == NULL && (container = lookup (ps, NS_ALIAS, "int")) == NULL)
    {
      tsdl_fail (lx, "the container type of an enumeration");
      return NULL;
    }
  if (container->kind != TY_INT)
    {
      tsdl_fail (lx, "an integer container type");
      return NULL;
    }
  tsdl_lex_next (lx);
  type = type_new (ps, TY_ENUM);
  if (type == NULL)
    return NULL;
  type->align = container->align;
  type->size = container->size;
  type->is_signed = container->is_signed;
  type->byte_order = container->byte_order;
  type->clock = g_strdup (container->clock);
  type->ranges = g_array_new (FALSE, FALSE, sizeof (EnumRange));
  while (!tsdl_failed (lx) && lx->tok.kind != TOK_END && !tsdl_tok_is (lx, "}"))
    {
      EnumRange r = { 0 };

      if (lx->tok.kind == TOK_STRING)
        r.label = tsdl_tok_string (lx);
      else if (lx->tok.kind == TOK_IDENT)
        r.label = tsdl_tok_dup (lx);
      else
        {
          tsdl_fail (lx, "an enumeration label");
          return NULL;
        }
      tsdl_lex_next (lx);
      r.lo = r.hi = next;
      if (tsdl_accept (lx, "="))
        {
          Value lo, hi;

          if (!parse_value (ps, &lo) || !lo.is_number)
            {
              value_clear (&lo);
              g_free (r.label);
              tsdl_fail (lx, "a number");
              return NULL;
            }
          r.lo = r.hi = lo.negative ? -lo.number : lo.number;
          if (tsdl_accept (lx, "..."))
            {
              if (!parse_value (ps, &hi) || !hi.is_number)
                {
                  value_clear (&hi);
                  g_free (r.label);
                  tsdl_fail (lx, "a number");
                  return NULL;
                }
              r.hi = hi.negative ? -hi.number : hi.number;
            }
        }
      next = r.hi + 1;
      g_array_append_val (type->ranges, r);
      if (!tsdl_accept (lx, ","))
        break;
    }
  if (!tsdl_expect (lx, "}"))
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
    if (tsdl_tok_is (lx, keywords[i]))
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
      tsdl_fail (lx, "less nesting");
      ps->depth--;
      return NULL;
    }
  while (tsdl_accept (lx, "const"))
    ;
  if (tsdl_accept (lx, "integer"))
    type = parse_number_type (ps, FALSE);
  else if (tsdl_accept (lx, "floating_point"))
    type = parse_number_type (ps, TRUE);
  else if (tsdl_accept (lx, "string"))
    {
      if ((type = type_new (ps, TY_STRING)) != NULL && tsdl_tok_is (lx, "{"))
        tsdl_skip_balanced (lx);
    }
  else if (tsdl_accept (lx, "struct"))
    type = parse_struct (ps);
  else if (tsdl_accept (lx, "variant"))
    type = parse_variant (ps);
  else if (tsdl_accept (lx, "enum"))
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
          tsdl_lex_next (lx);
        }
      if (type == NULL)
        tsdl_fail (lx, words->len > 0 ? "a declared type" : "a type");
      else
        type = copy_tree (ps, type, 0);
      *named_by_words = TRUE;
    }
  else
    tsdl_fail (lx, "a type");
  ps->depth--;
  return tsdl_failed (lx) ? NULL : type;
}

/* NAME[LEN][FIELD]...: arrays and sequences around @type, innermost dimension last. */
static Type *
parse_declarator_dims (Parser *ps,
                       Type   *type)
{
  Lexer *lx = &ps->lx;
  g_autoptr(GPtrArray) dims = g_ptr_array_new ();   /* Type* shells, in written order */

  while (tsdl_accept (lx, "["))
    {
      Type *dim;

      if (lx->tok.kind == TOK_NUMBER)
        {
          if (!lx->tok.number_ok)
            {
              tsdl_fail (lx, "an array length");
              return NULL;
            }
          if ((dim = type_new (ps, TY_ARRAY)) == NULL)
            return NULL;
          dim->length = lx->tok.number;
          tsdl_lex_next (lx);
        }
      else
        {
          if ((dim = type_new (ps, TY_SEQUENCE)) == NULL || (dim->path = parse_path (ps)) == NULL)
            return NULL;
        }
      if (!tsdl_expect (lx, "]"))
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

  if (tsdl_accept (lx, "typealias"))
    return parse_alias (ps, FALSE);
  if (tsdl_accept (lx, "typedef"))
    return parse_alias (ps, TRUE);
  if (tsdl_accept (lx, ";"))
    return TRUE;

  /* "uint32_t magic;": the words that name a type, then the field's name. */
  type = parse_type_specifier (ps, &by_words);
  if (type == NULL)
    return FALSE;
  if (tsdl_accept (lx, ";"))
    return TRUE;
  for (;;)
    {
      g_autofree char *name = NULL;
      Type *field_type;

      if (lx->tok.kind != TOK_IDENT)
        {
          tsdl_fail (lx, "a field name");
          return FALSE;
        }
      name = tsdl_tok_dup (lx);
      tsdl_lex_next (lx);
      if ((field_type = parse_declarator_dims (ps, type)) == NULL)
        return FALSE;
      add_field (compound, name, field_type);
      if (!tsdl_accept (lx, ","))
        break;
    }
  return tsdl_expect (lx, ";");
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
              tsdl_fail (lx, "a type name");
              return FALSE;
            }
          name = tsdl_tok_dup (lx);
          tsdl_lex_next (lx);
          if ((named = parse_declarator_dims (ps, type)) == NULL)
            return FALSE;
          define (ps, NS_ALIAS, name, named);
          if (!tsdl_accept (lx, ","))
            break;
        }
      return tsdl_expect (lx, ";");
    }
  else
    {
      g_autoptr(GString) name = g_string_new (NULL);

      if ((type = parse_declarator_dims (ps, type)) == NULL || !tsdl_expect (lx, ":="))
        return FALSE;
      while (lx->tok.kind == TOK_IDENT)
        {
          if (name->len > 0)
            g_string_append_c (name, ' ');
          g_string_append_len (name, lx->tok.start, lx->tok.len);
          tsdl_lex_next (lx);
        }
      if (name->len == 0)
        {
          tsdl_fail (lx, "a type name");
          return FALSE;
        }
      if ((type = parse_declarator_dims (ps, type)) == NULL)
        return FALSE;
      define (ps, NS_ALIAS, name->str, type);
      return tsdl_expect (lx, ";");
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
  BLOCK_ENV,
  BLOCK_OTHER,      /* callsite, and what we do not know */
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

  if (!tsdl_expect (lx, "{"))
    return;
  push_scope (ps);
  while (!tsdl_failed (lx) && lx->tok.kind != TOK_END && !tsdl_tok_is (lx, "}"))
    {
      g_autofree char *lhs = NULL;

      if (tsdl_accept (lx, "typealias"))
        {
          parse_alias (ps, FALSE);
          continue;
        }
      if (tsdl_accept (lx, "typedef"))
        {
          parse_alias (ps, TRUE);
          continue;
        }
      if (tsdl_accept (lx, ";"))
        continue;
      if (lx->tok.kind != TOK_IDENT || (lhs = parse_lhs (ps)) == NULL)
        {
          tsdl_fail (lx, "an attribute");
          break;
        }
      if (tsdl_accept (lx, ":="))
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
          tsdl_expect (lx, ";");
        }
      else if (tsdl_accept (lx, "="))
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
          else if (kind == BLOCK_ENV && g_str_equal (lhs, "hostname") && v.text != NULL && tsdl->hostname == NULL)
            tsdl->hostname = g_strdup (v.text);
          else if (kind == BLOCK_ENV && g_str_equal (lhs, "domain") && v.text != NULL && tsdl->domain == NULL)
            tsdl->domain = g_strdup (v.text);
          value_clear (&v);
          tsdl_expect (lx, ";");
        }
      else
        {
          tsdl_fail (lx, "= or :=");
          break;
        }
    }
  pop_scope (ps);
  if (tsdl_failed (lx) || !tsdl_expect (lx, "}"))
    {
      g_free (clock.name);
      return;
    }
  tsdl_accept (lx, ";");

  switch (kind)
    {
    case BLOCK_TRACE:
      if (++tsdl->n_trace_blocks > 1)
        tsdl_fail (lx, "one trace block");
      else if (trace_attributes != 7)
        tsdl_fail (lx, "major, minor and byte_order in the trace block");
      break;

    case BLOCK_STREAM:
      if (stream_class_by_id (tsdl, sc.id) != NULL)
        tsdl_fail (lx, "a stream class with an id of its own");
      else
        g_array_append_val (tsdl->streams, sc);
      break;

    case BLOCK_CLOCK:
      if (clock.name == NULL || clock.freq == 0 || clock.freq == G_MAXUINT64)
        {
          g_free (clock.name);
          tsdl_fail (lx, "a clock with a name and a frequency");
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
  tsdl_lex_next (lx);

  while (!tsdl_failed (lx) && lx->tok.kind != TOK_END)
    {
      const char *start = lx->tok.start;

      if (tsdl_accept (lx, "typealias"))
        parse_alias (&ps, FALSE);
      else if (tsdl_accept (lx, "typedef"))
        parse_alias (&ps, TRUE);
      else if (tsdl_accept (lx, "trace"))
        parse_block (&ps, BLOCK_TRACE, start);
      else if (tsdl_accept (lx, "stream"))
        parse_block (&ps, BLOCK_STREAM, start);
      else if (tsdl_accept (lx, "event"))
        parse_block (&ps, BLOCK_EVENT, start);
      else if (tsdl_accept (lx, "clock"))
        parse_block (&ps, BLOCK_CLOCK, start);
      else if (tsdl_accept (lx, "env"))
        parse_block (&ps, BLOCK_ENV, start);
      else if (tsdl_accept (lx, "callsite"))
        parse_block (&ps, BLOCK_OTHER, start);
      else if (tsdl_accept (lx, ";"))
        ;
      else if (tsdl_tok_is (lx, "struct") || tsdl_tok_is (lx, "variant") || tsdl_tok_is (lx, "enum") ||
               tsdl_tok_is (lx, "integer") || tsdl_tok_is (lx, "floating_point") || tsdl_tok_is (lx, "string"))
        {
          gboolean by_words = FALSE;

          /* A named type declared at the top level, maybe with a name after it. */
          if (parse_type_specifier (&ps, &by_words) == NULL)
            break;
          if (lx->tok.kind == TOK_IDENT)
            tsdl_lex_next (lx);
          tsdl_expect (lx, ";");
        }
      else if (lx->tok.kind == TOK_IDENT)
        {
          /* A block we do not know: skip it. */
          while (!tsdl_failed (lx) && lx->tok.kind != TOK_END && !tsdl_tok_is (lx, "{") && !tsdl_tok_is (lx, ";"))
            tsdl_lex_next (lx);
          if (tsdl_tok_is (lx, "{"))
            tsdl_skip_balanced (lx);
          tsdl_accept (lx, ";");
        }
      else
        tsdl_fail (lx, "a declaration");
    }
  g_ptr_array_unref (ps.scopes);

  if (!tsdl_failed (lx) && tsdl->n_trace_blocks == 0)
    tsdl_fail (lx, "a trace block");

  /* A trace without stream blocks has one implicit stream class, 0. */
  if (!tsdl_failed (lx) && tsdl->streams->len == 0)
    {
      StreamClass sc = { 0, FALSE, NULL, NULL, NULL, -1 };

      g_array_append_val (tsdl->streams, sc);
    }
  if (!tsdl_failed (lx) && tsdl->streams->len > 1)
    for (guint i = 0; i < tsdl->streams->len; i++)
      if (!g_array_index (tsdl->streams, StreamClass, i).has_id)
        tsdl_fail (lx, "an id for every stream class");

  for (guint i = 0; !tsdl_failed (lx) && i < tsdl->streams->len; i++)
    {
      StreamClass *sc = &g_array_index (tsdl->streams, StreamClass, i);

      if (!tsdl_find_mapped_clock (tsdl, sc->packet_context, NULL, &sc->clock, 0) ||
          !tsdl_find_mapped_clock (tsdl, sc->event_header, NULL, &sc->clock, 0))
        tsdl_fail (lx, "one clock per stream class");
      /* A timestamp field with no clock declared at all: libbabeltrace2 makes one at 1 GHz. */
      if (sc->clock >= 0 && tsdl->clocks->len == 0)
        {
          Clock c = { g_strdup ("default"), 1000000000, 0, 0 };

          g_array_append_val (tsdl->clocks, c);
        }
    }

  for (guint i = 0; !tsdl_failed (lx) && i < tsdl->events->len; i++)
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
          tsdl_fail (lx, "events of declared stream classes");
          break;
        }
      ev->stream_class = sc;
      ev->min_bits = sat_add (sat_add (strata_tsdl_stream_min_event_bits (tsdl, sc), tsdl_min_bits_of (types->context)),
                              tsdl_min_bits_of (types->fields));
      ev->elements = sat_add (tsdl_elements_of (types->context), tsdl_elements_of (types->fields));
    }

  if (tsdl_failed (lx))
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

