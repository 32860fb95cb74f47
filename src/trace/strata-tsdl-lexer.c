/* strata-tsdl-lexer.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-tsdl"

#include "config.h"

#include <string.h>

#include "strata-tsdl-private.h"

/* ---- lexer ---- */

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

void
tsdl_lex_next (Lexer *lx)
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

gboolean
tsdl_tok_is (const Lexer *lx,
             const char  *text)
{
  gsize n = strlen (text);

  return (lx->tok.kind == TOK_IDENT || lx->tok.kind == TOK_PUNCT) &&
         lx->tok.len == n && memcmp (lx->tok.start, text, n) == 0;
}

void
tsdl_fail (Lexer      *lx,
           const char *why)
{
  if (lx->error == NULL)
    {
      lx->error = why;
      lx->error_at = lx->tok.start;
    }
}

gboolean
tsdl_failed (const Lexer *lx)
{
  return lx->error != NULL;
}

gboolean
tsdl_accept (Lexer      *lx,
             const char *text)
{
  if (tsdl_failed (lx) || !tsdl_tok_is (lx, text))
    return FALSE;
  tsdl_lex_next (lx);
  return TRUE;
}

gboolean
tsdl_expect (Lexer      *lx,
             const char *text)
{
  if (tsdl_accept (lx, text))
    return TRUE;
  tsdl_fail (lx, text);
  return FALSE;
}

char *
tsdl_tok_dup (const Lexer *lx)
{
  return g_strndup (lx->tok.start, lx->tok.len);
}

/* The text of a string token, without its quotes (escapes are left as they are). */
char *
tsdl_tok_string (const Lexer *lx)
{
  if (lx->tok.len >= 2)
    return g_strndup (lx->tok.start + 1, lx->tok.len - 2);
  return g_strdup ("");
}

/* Skips a balanced {...}, [...], (...) or <...> that starts at the current token. */
void
tsdl_skip_balanced (Lexer *lx)
{
  guint depth = 0;

  do
    {
      if (lx->tok.kind == TOK_END)
        {
          tsdl_fail (lx, "}");
          return;
        }
      if (tsdl_tok_is (lx, "{") || tsdl_tok_is (lx, "[") || tsdl_tok_is (lx, "(") || tsdl_tok_is (lx, "<"))
        depth++;
      else if (tsdl_tok_is (lx, "}") || tsdl_tok_is (lx, "]") || tsdl_tok_is (lx, ")") || tsdl_tok_is (lx, ">"))
        depth--;
      tsdl_lex_next (lx);
    }
  while (depth > 0 && !tsdl_failed (lx));
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

