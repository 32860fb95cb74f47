/* strata-exit-reason.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-exit-reason"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "strata-exit-reason.h"

/*
 * The names are the kernel's (arch/x86/include/uapi/asm/vmx.h and svm.h: every reason those
 * headers have named, old names replaced by their newer ones), so that a table here reads like
 * `perf kvm stat` and the kvm_exit tracepoint's own output. VMX names are upper case, SVM's
 * lower case, as there.
 */

typedef struct
{
  guint32     code;
  const char *name;
} ReasonName;

/* Sorted by code. */
static const ReasonName vmx_reasons[] = {
  { 0, "EXCEPTION_NMI" },
  { 1, "EXTERNAL_INTERRUPT" },
  { 2, "TRIPLE_FAULT" },
  { 3, "INIT_SIGNAL" },
  { 4, "SIPI_SIGNAL" },
  { 7, "INTERRUPT_WINDOW" },
  { 8, "NMI_WINDOW" },
  { 9, "TASK_SWITCH" },
  { 10, "CPUID" },
  { 12, "HLT" },
  { 13, "INVD" },
  { 14, "INVLPG" },
  { 15, "RDPMC" },
  { 16, "RDTSC" },
  { 18, "VMCALL" },
  { 19, "VMCLEAR" },
  { 20, "VMLAUNCH" },
  { 21, "VMPTRLD" },
  { 22, "VMPTRST" },
  { 23, "VMREAD" },
  { 24, "VMRESUME" },
  { 25, "VMWRITE" },
  { 26, "VMOFF" },
  { 27, "VMON" },
  { 28, "CR_ACCESS" },
  { 29, "DR_ACCESS" },
  { 30, "IO_INSTRUCTION" },
  { 31, "MSR_READ" },
  { 32, "MSR_WRITE" },
  { 33, "INVALID_STATE" },
  { 34, "MSR_LOAD_FAIL" },
  { 36, "MWAIT_INSTRUCTION" },
  { 37, "MONITOR_TRAP_FLAG" },
  { 39, "MONITOR_INSTRUCTION" },
  { 40, "PAUSE_INSTRUCTION" },
  { 41, "MCE_DURING_VMENTRY" },
  { 43, "TPR_BELOW_THRESHOLD" },
  { 44, "APIC_ACCESS" },
  { 45, "EOI_INDUCED" },
  { 46, "GDTR_IDTR" },
  { 47, "LDTR_TR" },
  { 48, "EPT_VIOLATION" },
  { 49, "EPT_MISCONFIG" },
  { 50, "INVEPT" },
  { 51, "RDTSCP" },
  { 52, "PREEMPTION_TIMER" },
  { 53, "INVVPID" },
  { 54, "WBINVD" },
  { 55, "XSETBV" },
  { 56, "APIC_WRITE" },
  { 57, "RDRAND" },
  { 58, "INVPCID" },
  { 59, "VMFUNC" },
  { 60, "ENCLS" },
  { 61, "RDSEED" },
  { 62, "PML_FULL" },
  { 63, "XSAVES" },
  { 64, "XRSTORS" },
  { 67, "UMWAIT" },
  { 68, "TPAUSE" },
  { 70, "ENCLV" },
  { 71, "SGX_CONFLICT" },
  { 74, "BUS_LOCK" },
  { 75, "NOTIFY" },
  { 77, "TDCALL" },
  { 84, "MSR_READ_IMM" },
  { 85, "MSR_WRITE_IMM" },
};

#define SVM_EXIT_EXCP_BASE 0x040
#define SVM_EXIT_PAUSE     0x077
#define SVM_EXIT_IOIO      0x07b
#define SVM_EXIT_MSR       0x07c

/* Sorted by code; the exception intercepts (0x040 + vector) are named apart. */
static const ReasonName svm_reasons[] = {
  { 0x000, "read_cr0" },
  { 0x002, "read_cr2" },
  { 0x003, "read_cr3" },
  { 0x004, "read_cr4" },
  { 0x008, "read_cr8" },
  { 0x010, "write_cr0" },
  { 0x012, "write_cr2" },
  { 0x013, "write_cr3" },
  { 0x014, "write_cr4" },
  { 0x018, "write_cr8" },
  { 0x020, "read_dr0" },
  { 0x021, "read_dr1" },
  { 0x022, "read_dr2" },
  { 0x023, "read_dr3" },
  { 0x024, "read_dr4" },
  { 0x025, "read_dr5" },
  { 0x026, "read_dr6" },
  { 0x027, "read_dr7" },
  { 0x030, "write_dr0" },
  { 0x031, "write_dr1" },
  { 0x032, "write_dr2" },
  { 0x033, "write_dr3" },
  { 0x034, "write_dr4" },
  { 0x035, "write_dr5" },
  { 0x036, "write_dr6" },
  { 0x037, "write_dr7" },
  { 0x060, "interrupt" },
  { 0x061, "nmi" },
  { 0x062, "smi" },
  { 0x063, "init" },
  { 0x064, "vintr" },
  { 0x065, "cr0_sel_write" },
  { 0x066, "read_idtr" },
  { 0x067, "read_gdtr" },
  { 0x068, "read_ldtr" },
  { 0x069, "read_rt" },
  { 0x06a, "write_idtr" },
  { 0x06b, "write_gdtr" },
  { 0x06c, "write_ldtr" },
  { 0x06d, "write_rt" },
  { 0x06e, "rdtsc" },
  { 0x06f, "rdpmc" },
  { 0x070, "pushf" },
  { 0x071, "popf" },
  { 0x072, "cpuid" },
  { 0x073, "rsm" },
  { 0x074, "iret" },
  { 0x075, "swint" },
  { 0x076, "invd" },
  { 0x077, "pause" },
  { 0x078, "hlt" },
  { 0x079, "invlpg" },
  { 0x07a, "invlpga" },
  { 0x07b, "io" },
  { 0x07c, "msr" },
  { 0x07d, "task_switch" },
  { 0x07e, "ferr_freeze" },
  { 0x07f, "shutdown" },
  { 0x080, "vmrun" },
  { 0x081, "hypercall" },
  { 0x082, "vmload" },
  { 0x083, "vmsave" },
  { 0x084, "stgi" },
  { 0x085, "clgi" },
  { 0x086, "skinit" },
  { 0x087, "rdtscp" },
  { 0x088, "icebp" },
  { 0x089, "wbinvd" },
  { 0x08a, "monitor" },
  { 0x08b, "mwait" },
  { 0x08c, "mwait_cond" },
  { 0x08d, "xsetbv" },
  { 0x08e, "rdpru" },
  { 0x08f, "write_efer_trap" },
  { 0x090, "write_cr0_trap" },
  { 0x094, "write_cr4_trap" },
  { 0x098, "write_cr8_trap" },
  { 0x0a2, "invpcid" },
  { 0x0a5, "buslock" },
  { 0x0a6, "idle-halt" },
  { 0x400, "npf" },
  { 0x401, "avic_incomplete_ipi" },
  { 0x402, "avic_unaccelerated_access" },
  { 0x403, "vmgexit" },
  { 0x80000001, "vmgexit_mmio_read" },
  { 0x80000002, "vmgexit_mmio_write" },
  { 0x80000003, "vmgexit_nmi_complete" },
  { 0x80000004, "vmgexit_ap_hlt_loop" },
  { 0x80000005, "vmgexit_ap_jump_table" },
  { 0x80000010, "vmgexit_page_state_change" },
  { 0x80000011, "vmgexit_guest_request" },
  { 0x80000012, "vmgexit_ext_guest_request" },
  { 0x80000013, "vmgexit_ap_creation" },
  { 0x8000fffd, "vmgexit_hypervisor_feature" },
  { 0xffffffff, "invalid_guest_state" },       /* SVM_EXIT_ERR, -1 */
};

/* The exception vectors the kernel names, by vector. */
static const char *svm_exceptions[32] = {
  [0] = "DE excp", [1] = "DB excp", [3] = "BP excp", [4] = "OF excp", [5] = "BR excp",
  [6] = "UD excp", [7] = "NM excp", [8] = "DF excp", [10] = "TS excp", [11] = "NP excp",
  [12] = "SS excp", [13] = "GP excp", [14] = "PF excp", [16] = "MF excp", [17] = "AC excp",
  [18] = "MC excp", [19] = "XF excp",
};

const char *
strata_isa_to_string (guint isa)
{
  switch (isa)
    {
    case STRATA_ISA_VMX: return "vmx";
    case STRATA_ISA_SVM: return "svm";
    default: return "unknown";
    }
}

guint32
strata_exit_code (guint   isa,
                  guint64 exit_reason)
{
  if (isa == STRATA_ISA_VMX)
    return (guint32) (exit_reason & 0xffff);
  return (guint32) exit_reason;
}

static const char *
lookup (const ReasonName *table,
        guint             n,
        guint32           code)
{
  guint lo = 0, hi = n;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (table[mid].code == code)
        return table[mid].name;
      if (table[mid].code < code)
        lo = mid + 1;
      else
        hi = mid;
    }
  return NULL;
}

const char *
strata_exit_reason_name (guint   isa,
                         guint32 code)
{
  if (isa == STRATA_ISA_VMX)
    return lookup (vmx_reasons, G_N_ELEMENTS (vmx_reasons), code);
  if (isa == STRATA_ISA_SVM)
    {
      if (code >= SVM_EXIT_EXCP_BASE && code < SVM_EXIT_EXCP_BASE + 32)
        return svm_exceptions[code - SVM_EXIT_EXCP_BASE];
      return lookup (svm_reasons, G_N_ELEMENTS (svm_reasons), code);
    }
  return NULL;
}

gboolean
strata_exit_reason_from_name (guint       isa,
                              const char *name,
                              guint32    *code)
{
  const ReasonName *table = isa == STRATA_ISA_SVM ? svm_reasons : vmx_reasons;
  guint n = isa == STRATA_ISA_SVM ? G_N_ELEMENTS (svm_reasons) : G_N_ELEMENTS (vmx_reasons);

  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (code != NULL, FALSE);

  if (isa != STRATA_ISA_VMX && isa != STRATA_ISA_SVM)
    return FALSE;
  for (guint i = 0; i < n; i++)
    if (strcmp (table[i].name, name) == 0)
      {
        *code = table[i].code;
        return TRUE;
      }
  if (isa == STRATA_ISA_SVM)
    for (guint v = 0; v < G_N_ELEMENTS (svm_exceptions); v++)
      if (svm_exceptions[v] != NULL && strcmp (svm_exceptions[v], name) == 0)
        {
          *code = SVM_EXIT_EXCP_BASE + v;
          return TRUE;
        }
  return FALSE;
}

const char *
strata_exit_reason_display (guint   isa,
                            guint32 code)
{
  const char *name = strata_exit_reason_name (isa, code);

  if (name != NULL)
    return name;
  return isa == STRATA_ISA_SVM ? "unknown" : "UNKNOWN";
}

const char *
strata_exit_reason_label (guint   isa,
                          guint32 code)
{
  const char *name = strata_exit_reason_name (isa, code);
  g_autofree char *label = NULL;

  if (name != NULL)
    return name;
  /* Interned: a trace has a handful of codes, and the labels live as long as the program. */
  label = g_strdup_printf ("%s (%u)", strata_exit_reason_display (isa, code), code);
  return g_intern_string (label);
}

gboolean
strata_exit_is_pause (guint   isa,
                      guint32 code)
{
  return (isa == STRATA_ISA_VMX && code == 40) || (isa == STRATA_ISA_SVM && code == SVM_EXIT_PAUSE);
}

/*
 * VMX: info1 is the exit qualification. For IO_INSTRUCTION, bits 0-2 are the access size less
 * one, bit 3 the direction (1: in), bits 16-31 the port; RDMSR/WRMSRNS with an immediate
 * (MSR_READ_IMM, MSR_WRITE_IMM) put the MSR there. Plain MSR_READ/MSR_WRITE leave the MSR in
 * ECX, which the event does not carry.
 * SVM: info1 is EXITINFO1. For the IOIO intercept, bit 0 is the direction (1: in), bits 4-6
 * one-hot the size (1, 2, 4 bytes), bits 16-31 the port; for the MSR intercept, 0 is RDMSR and
 * 1 WRMSR, the MSR being in ECX.
 */
gboolean
strata_exit_detail (guint             isa,
                    guint32           code,
                    guint64           info1,
                    guint64           info2,
                    StrataExitDetail *detail)
{
  g_return_val_if_fail (detail != NULL, FALSE);

  (void) info2;
  *detail = (StrataExitDetail) { 0 };
  if (isa == STRATA_ISA_VMX)
    {
      switch (code)
        {
        case 30:
          detail->kind = (info1 >> 3) & 1 ? STRATA_EXIT_DETAIL_PORT_IN : STRATA_EXIT_DETAIL_PORT_OUT;
          detail->size = (info1 & 7) + 1;
          detail->has_value = TRUE;
          detail->value = (info1 >> 16) & 0xffff;
          return TRUE;
        case 31:
        case 32:
          detail->kind = code == 31 ? STRATA_EXIT_DETAIL_MSR_READ : STRATA_EXIT_DETAIL_MSR_WRITE;
          return TRUE;
        case 84:
        case 85:
          detail->kind = code == 84 ? STRATA_EXIT_DETAIL_MSR_READ : STRATA_EXIT_DETAIL_MSR_WRITE;
          detail->has_value = TRUE;
          detail->value = (guint32) info1;
          return TRUE;
        default:
          return FALSE;
        }
    }
  if (isa == STRATA_ISA_SVM)
    {
      switch (code)
        {
        case SVM_EXIT_IOIO:
          detail->kind = info1 & 1 ? STRATA_EXIT_DETAIL_PORT_IN : STRATA_EXIT_DETAIL_PORT_OUT;
          detail->size = (info1 >> 4) & 1 ? 1 : (info1 >> 5) & 1 ? 2 : (info1 >> 6) & 1 ? 4 : 0;
          detail->has_value = TRUE;
          detail->value = (info1 >> 16) & 0xffff;
          return TRUE;
        case SVM_EXIT_MSR:
          detail->kind = info1 & 1 ? STRATA_EXIT_DETAIL_MSR_WRITE : STRATA_EXIT_DETAIL_MSR_READ;
          return TRUE;
        default:
          return FALSE;
        }
    }
  return FALSE;
}

char *
strata_exit_detail_format (const StrataExitDetail *detail)
{
  g_return_val_if_fail (detail != NULL, NULL);

  switch (detail->kind)
    {
    case STRATA_EXIT_DETAIL_PORT_IN:
    case STRATA_EXIT_DETAIL_PORT_OUT:
      {
        const char *dir = detail->kind == STRATA_EXIT_DETAIL_PORT_IN ? C_("io", "in") : C_("io", "out");

        if (detail->size == 0)
          /* Translators: an I/O port access, e.g. "port 0x3f8 out" */
          return g_strdup_printf (_("port 0x%x %s"), detail->value, dir);
        /* Translators: an I/O port access, e.g. "port 0x3f8 out, 1 byte" */
        return g_strdup_printf (ngettext ("port 0x%x %s, %u byte", "port 0x%x %s, %u bytes", detail->size),
                                detail->value, dir, detail->size);
      }
    case STRATA_EXIT_DETAIL_MSR_READ:
      /* Translators: a guest reading a model-specific register, e.g. "MSR 0x6e0 read" */
      return detail->has_value ? g_strdup_printf (_("MSR 0x%x read"), detail->value) : g_strdup (_("MSR read"));
    case STRATA_EXIT_DETAIL_MSR_WRITE:
      return detail->has_value ? g_strdup_printf (_("MSR 0x%x write"), detail->value) : g_strdup (_("MSR write"));
    case STRATA_EXIT_DETAIL_NONE:
    default:
      return NULL;
    }
}
