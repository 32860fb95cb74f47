/* strata-exit-reason.h
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The `isa` field of kvm_exit: KVM's own numbering. */
typedef enum
{
  STRATA_ISA_UNKNOWN = 0,
  STRATA_ISA_VMX = 1,            /* Intel VT-x */
  STRATA_ISA_SVM = 2,            /* AMD-V */
} StrataIsa;

/* "vmx", "svm", or "unknown": the JSON `isa`. */
const char *strata_isa_to_string       (guint isa);

/* The reason an exit is counted under: VMX's basic reason (the low 16 bits; the high ones are
 * flags such as a failed VM entry), SVM's exit code as recorded. */
guint32     strata_exit_code           (guint     isa,
                                        guint64   exit_reason);
/* The kernel's name of an exit reason ("EPT_VIOLATION", SVM's "npf"), as in the uapi headers
 * vmx.h and svm.h; NULL when the kernel names none. */
const char *strata_exit_reason_name    (guint     isa,
                                        guint32   code);
/* The code the kernel names @name for @isa; FALSE for a name it does not know. */
gboolean    strata_exit_reason_from_name (guint       isa,
                                          const char *name,
                                          guint32    *code);
/* As strata_exit_reason_name(), or "UNKNOWN" ("unknown" for SVM) when it names none. */
const char *strata_exit_reason_display (guint     isa,
                                        guint32   code);
/* For people: the name, or "UNKNOWN (CODE)" when it names none, so that two unknown codes
 * read apart. */
const char *strata_exit_reason_label   (guint     isa,
                                        guint32   code);
/* A PAUSE-loop exit: VMX reason 40 or the SVM PAUSE intercept (0x077), which a vCPU spinning
 * on a lock takes. */
gboolean    strata_exit_is_pause       (guint     isa,
                                        guint32   code);

/* What info1/info2 say about an exit, when they name an I/O port or an MSR. */
typedef enum
{
  STRATA_EXIT_DETAIL_NONE = 0,
  STRATA_EXIT_DETAIL_PORT_IN,
  STRATA_EXIT_DETAIL_PORT_OUT,
  STRATA_EXIT_DETAIL_MSR_READ,
  STRATA_EXIT_DETAIL_MSR_WRITE,
} StrataExitDetailKind;

typedef struct
{
  guint8   kind;                 /* StrataExitDetailKind */
  guint8   size;                 /* an I/O access's width in bytes, 0 unknown */
  gboolean has_value;            /* an MSR exit tells its MSR only with RDMSR/WRMSRNS imm */
  guint32  value;                /* the port or the MSR */
} StrataExitDetail;

/* Fills @detail from kvm_exit's info1 and info2; FALSE (and kind NONE) when they name neither
 * a port nor an MSR. */
gboolean    strata_exit_detail         (guint             isa,
                                        guint32           code,
                                        guint64           info1,
                                        guint64           info2,
                                        StrataExitDetail *detail);
/* "port 0x3f8 out, 1 byte", "MSR 0x6e0 write", "MSR write"; NULL for no detail. */
char       *strata_exit_detail_format  (const StrataExitDetail *detail);

G_END_DECLS
