/* strata-tsdl-private.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "strata-tsdl.h"

G_BEGIN_DECLS

/*
 * What the parts of the TSDL reader share: the types a metadata text declares, the lexer
 * (strata-tsdl-lexer.c) that the parser (strata-tsdl.c) reads them with, and their sizes,
 * which the parser records for each event class and the packet decoder
 * (strata-tsdl-decode.c) checks packets with.
 */

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
  char      *hostname;      /* the env block's */
  char      *domain;
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

void     tsdl_lex_next      (Lexer       *lx);
gboolean tsdl_tok_is        (const Lexer *lx,
                             const char  *text);
void     tsdl_fail          (Lexer       *lx,
                             const char  *why);
gboolean tsdl_failed        (const Lexer *lx);
gboolean tsdl_accept        (Lexer       *lx,
                             const char  *text);
gboolean tsdl_expect        (Lexer       *lx,
                             const char  *text);
char    *tsdl_tok_dup       (const Lexer *lx);
char    *tsdl_tok_string    (const Lexer *lx);
void     tsdl_skip_balanced (Lexer       *lx);

/* ---- sizes and clocks ---- */

static inline guint64
sat_add (guint64 a,
         guint64 b)
{
  return a > G_MAXUINT64 - b ? G_MAXUINT64 : a + b;
}

static inline guint64
sat_mul (guint64 a,
         guint64 b)
{
  return b != 0 && a > G_MAXUINT64 / b ? G_MAXUINT64 : a * b;
}

guint64  tsdl_min_bits_of       (Type       *type);
guint64  tsdl_elements_of       (Type       *type);
gboolean tsdl_find_mapped_clock (StrataTsdl *tsdl,
                                 Type       *type,
                                 const char *name,
                                 gint       *clock,
                                 guint       depth);

G_END_DECLS
