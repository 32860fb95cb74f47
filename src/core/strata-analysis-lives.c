/* strata-analysis-lives.c: a thread id's lives as vCPU threads, which the scan found (a VM's
 * vCPU thread may exit and its id go to another thread), given to the model's threads
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-analysis-model"

#include "config.h"

#include <string.h>

#include "strata-analysis-private.h"

void
_strata_analysis_vcpu_attach (Model    *model,
                              Thread   *t,
                              VcpuLife *life,
                              gint64    born)
{
  guint v = life->code - 1;
  Vm *vm = g_ptr_array_index (model->a->vms, v >> 16);

  life->used = TRUE;
  t->vm = v >> 16;
  t->vcpu = v & 0xffff;
  t->kvm = g_new0 (VcpuThread, 1);
  /* Both final once the model runs: kept here, not looked up through the VM at each of the
   * thread's entries and exits. */
  t->kvm->row = (guint) t->vcpu < vm->vcpu_rows->len ? g_array_index (vm->vcpu_rows, gint, t->vcpu) : -1;
  t->kvm->machine = vm->machine;
  t->kvm->tid = t->tid;
  t->kvm->vm = t->vm;
  t->kvm->vcpu = t->vcpu;
  t->kvm->born = born;
  t->kvm->exited = t->kvm->gone = G_MAXINT64;
  g_ptr_array_add (model->vcpu_threads, t->kvm);
  /* Its guest-mode description on CPU rows names the VM, those of its thread row the vCPU. */
  memset (t->cpu_ids, 0, sizeof t->cpu_ids);
  memset (t->thread_ids, 0, sizeof t->thread_ids);
}

VcpuLife *
_strata_analysis_vcpu_life (Model         *model,
                            gint32         tid,
                            VcpuLifeWhich  which,
                            gint64         at)
{
  GArray *lives = g_hash_table_lookup (model->vcpu_lives, GINT_TO_POINTER (tid));

  for (guint l = 0; lives != NULL && l < lives->len; l++)
    {
      VcpuLife *life = &g_array_index (lives, VcpuLife, l);

      if (!life->used &&
          (which == VCPU_LIFE_FROM_START ? life->born == G_MININT64 :
           which == VCPU_LIFE_BORN_AT ? life->born == at : life->born <= at))
        return life;
    }
  return NULL;
}
