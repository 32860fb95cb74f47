/* strata-scenario-model.c
 *
 * Copyright 2026 The Strata authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-scenario"

#include "config.h"

#include <string.h>

#include "strata-ctf-writer.h"
#include "strata-scenario-model.h"

/* The model's set-up: the host's and guests' tasks, the VMs and their vCPU threads, and the
 * run over every pCPU; and the bench's sizing. */

static const char * const sc_names[SC_N] = {
  "read", "write", "openat", "close", "ioctl", "futex", "poll", "ppoll", "epoll_wait",
  "nanosleep", "recvfrom", "sendto", "recvmsg", "sendmsg", "mmap", "munmap", "newfstat",
  "lseek", "writev", "select", "clone", "execve", "wait4", "exit_group",
};

enum { F_SPAWNER = 1 << 0, F_DORMANT = 1 << 1 };

typedef struct
{
  const char *comm;
  gint32      tid;
  gint32      pid;
  gint32      ppid;
  guint       cpu;
  gint64      run_mean;
  gint64      sleep_mean;
  gint64      user_mean;
  const char *calls;
  const char *block;
  gint        wake_irq;
  guint8      type;
  guint8      flags;
} TaskSpec;

/* The host's own load: a desktop session, daemons and the tracer. */
static const TaskSpec host_tasks[] = {
  { "systemd", 1, 1, 0, 7, 80 * US, 300 * MS, 20 * US,
    "read,newfstat,openat,close", "epoll_wait", 0, TT_NORMAL, 0 },
  { "kthreadd", 2, 2, 0, 7, 0, 0, 0, NULL, NULL, 0, TT_KTHREAD, F_DORMANT },
  { "rcu_sched", 10, 10, 2, 7, 6 * US, 3 * MS, 0, NULL, NULL, 0, TT_KTHREAD, 0 },
  { "systemd-journal", 312, 312, 1, 5, 150 * US, 80 * MS, 30 * US,
    "write,writev,newfstat,lseek", "epoll_wait", 0, TT_NORMAL, 0 },
  { "sshd", 951, 951, 1, 6, 60 * US, 40 * MS, 20 * US, "read,write", "select", 0, TT_NORMAL, 0 },
  { "Xorg", 1180, 1180, 1170, 2, 400 * US, 8 * MS, 60 * US,
    "ioctl,read,writev,recvmsg", "epoll_wait", 16, TT_NORMAL, 0 },
  { "gnome-shell", 1725, 1725, 1650, 3, 1500 * US, 15 * MS, 80 * US,
    "ioctl,read,write,recvmsg,futex,mmap,munmap", "poll", 0, TT_NORMAL, 0 },
  { "gmain", 1741, 1725, 1650, 3, 40 * US, 5 * MS, 15 * US, "read,write", "poll", 0, TT_NORMAL, 0 },
  { "firefox", 2202, 2202, 1725, 4, 2 * MS, 12 * MS, 100 * US,
    "read,write,futex,recvmsg,mmap,munmap", "poll", 0, TT_NORMAL, 0 },
  { "Web Content", 2290, 2290, 2202, 4, 3 * MS, 9 * MS, 120 * US,
    "read,write,futex,mmap,sendmsg", "futex", 0, TT_NORMAL, 0 },
  { "bash", 2480, 2480, 951, 6, 0, 0, 0, NULL, "wait4", 0, TT_NORMAL, F_DORMANT },
  { "bash", 2500, 2500, 951, 5, 200 * US, 250 * MS, 40 * US,
    "read,write,newfstat,ioctl", "read", 0, TT_NORMAL, F_SPAWNER },
  { "lttng-sessiond", 3050, 3050, 1, 0, 0, 0, 0, NULL, "ppoll", 0, TT_NORMAL, F_DORMANT },
  { "lttng-consumerd", 3110, 3105, 3050, 6, 120 * US, 3 * MS, 25 * US,
    "ioctl,write,lseek", "poll", 0, TT_NORMAL, 0 },
  { "stress", 4000, 4000, 2480, 6, 0, 0, 0, NULL, "wait4", 0, TT_NORMAL, F_DORMANT },
};

static const TaskSpec guest_tasks[] = {
  { "systemd", 1, 1, 0, 0, 0, 0, 0, NULL, "epoll_wait", 0, TT_NORMAL, F_DORMANT },
  { "kthreadd", 2, 2, 0, 0, 0, 0, 0, NULL, NULL, 0, TT_KTHREAD, F_DORMANT },
  { "rcu_sched", 10, 10, 2, 0, 0, 0, 0, NULL, NULL, 0, TT_KTHREAD, F_DORMANT },
  { "sshd", 612, 612, 1, 0, 0, 0, 0, NULL, "select", 0, TT_NORMAL, F_DORMANT },
  { "lttng-sessiond", 420, 420, 1, 0, 0, 0, 0, NULL, "ppoll", 0, TT_NORMAL, F_DORMANT },
};

/* The children that bash forks get thread ids from here on. */
#define FIRST_CHILD_TID 5000
#define LAST_CHILD_TID  5999

gboolean
gen_host_tid_taken (gint64 tid)
{
  for (guint i = 0; i < G_N_ELEMENTS (host_tasks); i++)
    if (host_tasks[i].tid == tid || host_tasks[i].pid == tid)
      return TRUE;
  /* The kworkers, stress, and the children. */
  return (tid >= 30 && tid < 30 + 6 * HOST_CPUS && (tid - 30) % 6 == 0) || tid == STRATA_DEMO_STRESS_TID ||
         (tid >= FIRST_CHILD_TID && tid <= LAST_CHILD_TID) || tid <= 0;
}

static Task *
task_new (Gen        *gen,
          const char *comm,
          gint32      tid,
          gint32      pid,
          gint32      ppid,
          guint8      type,
          guint       cpu)
{
  Task *task = g_new0 (Task, 1);

  task->comm = strata_strtab_intern (gen->strings, comm);
  task->tid = tid;
  task->pid = pid;
  task->ppid = ppid;
  task->prio = 20;
  task->type = type;
  task->cpu = cpu;
  task->state = TS_SLEEPING;
  task->wake_at = INF;
  g_ptr_array_add (gen->owned, task);
  return task;
}

static guint
sc_lookup (const char *name)
{
  for (guint i = 0; i < SC_N; i++)
    if (strcmp (sc_names[i], name) == 0)
      return i;
  g_assert_not_reached ();
  return 0;
}

static Task *
task_from_spec (Gen            *gen,
                const TaskSpec *spec,
                gint64          t0,
                GRand          *rand)
{
  Task *task = task_new (gen, spec->comm, spec->tid, spec->pid, spec->ppid, spec->type, spec->cpu);

  task->run_mean = spec->run_mean;
  task->sleep_mean = spec->sleep_mean;
  task->user_mean = spec->user_mean;
  task->wake_irq = spec->wake_irq;
  task->spawner = (spec->flags & F_SPAWNER) != 0;
  task->dormant = (spec->flags & F_DORMANT) != 0;
  if (spec->calls != NULL)
    {
      g_auto(GStrv) calls = g_strsplit (spec->calls, ",", -1);

      for (guint i = 0; calls[i] != NULL && i < MAX_CALLS; i++)
        task->calls[task->n_calls++] = sc_lookup (calls[i]);
    }
  if (spec->block != NULL)
    {
      task->block = sc_lookup (spec->block);
      /* Asleep in its blocking call when the trace starts. */
      task->in_syscall = spec->type != TT_KTHREAD;
      task->syscall = task->block;
    }
  if (!task->dormant)
    task->wake_at = t0 + runi (rand, 10 * US, MAX (spec->sleep_mean, 20 * US));
  return task;
}

static Machine *
machine_new (Gen                 *gen,
             GPtrArray           *machines,
             const char          *name,
             guint                n_cpus,
             gint64               offset_s,
             const char          *kernel_release,
             const ModelSpec     *spec)
{
  Machine *m = g_new0 (Machine, 1);

  m->gen = gen;
  m->index = machines->len;
  m->n_cpus = n_cpus;
  m->legacy = spec->legacy;
  /* Before 4.14, Linux marked an involuntary switch-out with TASK_STATE_MAX (1024 in 3.x). */
  m->preempt_state = spec->legacy ? 1024 : spec->preempt_state;
  m->tasks = g_ptr_array_new ();
  m->idle = g_new0 (Task *, n_cpus);
  m->name = g_strdup (name);
  m->hostname = g_strdup (name);
  m->info.name = m->name;
  m->info.hostname = m->hostname;
  m->info.n_cpus = n_cpus;
  m->info.offset_s = offset_s;
  m->info.legacy = spec->legacy;
  m->info.kernel_release = kernel_release;
  m->info.uuid_seed = 0x5157a7a + machines->len;
  for (guint cpu = 0; cpu < n_cpus; cpu++)
    {
      g_autofree char *comm = g_strdup_printf ("swapper/%u", cpu);

      m->idle[cpu] = task_new (gen, comm, 0, 0, 0, TT_IDLE, cpu);
      m->idle[cpu]->state = TS_RUNNING;
    }
  g_ptr_array_add (machines, m);
  return m;
}

static void
vcpu_free (Vcpu *v)
{
  g_free (v->float_cpus);
  g_free (v);
}

static void
guest_cpu_free (GuestCpu *g)
{
  g_rand_free (g->o.rand);
  g_free (g);
}

static void
machine_free (Machine *m)
{
  g_ptr_array_unref (m->tasks);
  g_free (m->idle);
  g_free (m->name);
  g_free (m->hostname);
  g_free (m);
}

static void
cpu_pin (Cpu  *c,
         Task *task)
{
  /* Each pCPU's run queue holds at most its pinned tasks, a child and stress. */
  g_assert (c->n_tasks < MAX_PIN - 2);
  c->tasks[c->n_tasks++] = task;
}

/* When and where "stress" runs: bursts alternating between pCPUs 0 and 1, sometimes moving
 * over directly (a migration), sometimes sleeping in between. */
static void
plan_stress (GRand   *rand,
             gint64   t0,
             gint64   end,
             GArray  *bursts[2])
{
  gint64 t = t0 + runi (rand, 3 * MS, 8 * MS);
  guint cpu = 0;
  gboolean wake = TRUE;

  while (t < end)
    {
      Burst b = { 0 };

      b.start = t;
      b.end = t + runi (rand, 2 * MS, 12 * MS);
      b.cpu = cpu;
      b.wake = wake;
      b.sleep = g_rand_int_range (rand, 0, 100) >= 40;
      g_array_append_val (bursts[cpu], b);
      if (b.sleep)
        {
          t = b.end + runi (rand, 8 * MS, 50 * MS);
          cpu = g_rand_int_range (rand, 0, 2);
          wake = TRUE;
        }
      else
        {
          /* Longer than any interrupt that may hold it on the old CPU past its end. */
          t = b.end + runi (rand, 30 * US, 80 * US);
          cpu ^= 1;
          wake = FALSE;
        }
    }
}

static void
sys_profiles_init (Gen *gen)
{
  for (guint i = 0; i < SC_N; i++)
    {
      SysProfile *p = &gen->sys[i];
      const char *name = sc_names[i];

      p->name = strata_strtab_intern (gen->strings, name);
      p->fd = strata_ctf_writer_syscall_arg_slot (name, "fd");
      if (p->fd < 0)
        p->fd = strata_ctf_writer_syscall_arg_slot (name, "epfd");
      p->len = strata_ctf_writer_syscall_arg_slot (name, "count");
      if (p->len < 0)
        p->len = strata_ctf_writer_syscall_arg_slot (name, "len");
      if (p->len < 0)
        p->len = strata_ctf_writer_syscall_arg_slot (name, "size");
      p->ptr = strata_ctf_writer_syscall_arg_slot (name, "buf");
      if (p->ptr < 0)
        p->ptr = strata_ctf_writer_syscall_arg_slot (name, "uaddr");
      if (p->ptr < 0)
        p->ptr = strata_ctf_writer_syscall_arg_slot (name, "rqtp");
      p->op = strata_ctf_writer_syscall_arg_slot (name, "cmd");
      if (p->op < 0)
        p->op = strata_ctf_writer_syscall_arg_slot (name, "op");
      p->path = strata_ctf_writer_syscall_arg_slot (name, "filename");
    }
}

static gboolean
model_run (const ModelSpec           *spec,
           StrataStrtab              *strings,
           const StrataScenarioSink  *sink,
           gpointer                   data,
           GError                   **error)
{
  g_autoptr(GPtrArray) machines = g_ptr_array_new_with_free_func ((GDestroyNotify) machine_free);
  g_autoptr(GPtrArray) owned = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) vcpus = g_ptr_array_new_with_free_func ((GDestroyNotify) vcpu_free);
  g_autoptr(GPtrArray) guest_cpus =
    g_ptr_array_new_with_free_func ((GDestroyNotify) guest_cpu_free);
  /* A seed moves every random sequence of the model; 0 keeps the demo's. */
  guint32 salt = (guint32) (spec->seed * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15) >> 32);
  g_autoptr(GRand) rand = g_rand_new_with_seed (0x5757a7a ^ salt);
  GArray *bursts[2];
  Cpu cpus[HOST_CPUS];
  Gen gen = { 0 };
  Machine *host;
  const gint64 t0 = STRATA_DEMO_T0_NS;
  const gint64 end = t0 + spec->duration;
  Task *sessiond = NULL;
  Task *stress;

  gen.sink = sink;
  gen.data = data;
  gen.strings = strings;
  gen.owned = owned;
  gen.next_child_tid = FIRST_CHILD_TID;
  gen.guest_fork_pct = spec->guest_fork_pct;
  gen.next_guest_tid = 20000;
  gen.s_ls = strata_strtab_intern (strings, "ls");
  gen.s_ls_path = strata_strtab_intern (strings, "/usr/bin/ls");
  gen.s_virtio = strata_strtab_intern (strings, "virtio0-input.0");
  gen.s_open_path = strata_strtab_intern (strings, "/etc/ld.so.cache");
  sys_profiles_init (&gen);

  /* The host and its threads. */
  host = machine_new (&gen, machines, spec->name ? spec->name : "host", HOST_CPUS,
                      spec->offset_s ? spec->offset_s : STRATA_DEMO_HOST_OFFSET_S, "5.10.0-20-amd64", spec);
  memset (cpus, 0, sizeof cpus);
  for (guint i = 0; i < HOST_CPUS; i++)
    {
      Cpu *c = &cpus[i];
      c->m = host;
      c->o.m = host;
      c->o.cpu = i;
      c->o.rand = g_rand_new_with_seed ((0x5eed0000 + i) ^ salt);
      c->o.now = t0;
      c->o.drop_from = INF;
      c->idle = c->cur = host->idle[i];
      c->seg = SEG_IDLE;
      c->seg_end = INF;
      c->next_tick = t0 + (gint64) i * TICK / HOST_CPUS;
      c->bursts = g_array_new (FALSE, FALSE, sizeof (Burst));
    }

  for (guint i = 0; i < G_N_ELEMENTS (host_tasks); i++)
    {
      Task *task = task_from_spec (&gen, &host_tasks[i], t0, rand);

      g_ptr_array_add (host->tasks, task);
      if (host_tasks[i].tid == 3050)
        sessiond = task;
      if (!task->dormant)
        cpu_pin (&cpus[task->cpu], task);
    }
  for (guint i = 0; i < HOST_CPUS; i++)
    {
      g_autofree char *comm = g_strdup_printf ("kworker/%u:1", i);
      TaskSpec spec_kw = { NULL, 0, 0, 2, 0, 15 * US, 6 * MS, 0, NULL, NULL, 0, TT_KTHREAD, 0 };
      Task *task;

      spec_kw.comm = comm;
      spec_kw.tid = spec_kw.pid = 30 + 6 * i;
      spec_kw.cpu = i;
      spec_kw.wake_irq = i == 1 ? 43 : 0;
      task = task_from_spec (&gen, &spec_kw, t0, rand);
      g_ptr_array_add (host->tasks, task);
      cpu_pin (&cpus[i], task);
    }
  /* Builds: a shell on each pCPU starting a short-lived command every millisecond or so. */
  for (guint i = 0; i < MIN (spec->n_spawners, HOST_CPUS); i++)
    {
      TaskSpec spec_make = { "make", 0, 0, 2500, 0, 60 * US, 700 * US, 20 * US,
                             "read,write,newfstat,openat,close", "wait4", 0, TT_NORMAL, F_SPAWNER };
      Task *task;

      spec_make.tid = spec_make.pid = 2700 + i;
      spec_make.cpu = i;
      task = task_from_spec (&gen, &spec_make, t0, rand);
      g_ptr_array_add (host->tasks, task);
      cpu_pin (&cpus[i], task);
    }
  {
    TaskSpec spec_qemu = { "qemu-system-x86", 0, 0, 1, 7, 40 * US, 2 * MS, 15 * US,
                           "read,write,ioctl,recvmsg", "ppoll", 0, TT_NORMAL, 0 };

    for (guint v = 0; v < spec->n_vms; v++)
      {
        Task *task;

        spec_qemu.tid = spec_qemu.pid = spec->vms[v].qemu_pid;
        task = task_from_spec (&gen, &spec_qemu, t0, rand);
        g_ptr_array_add (host->tasks, task);
        cpu_pin (&cpus[7], task);
      }
  }

  /* The stress task: one thread, a copy per pCPU that follows the plan there. */
  stress = task_new (&gen, "stress", STRATA_DEMO_STRESS_TID, STRATA_DEMO_STRESS_TID, 4000,
                     TT_STRESS, 0);
  g_ptr_array_add (host->tasks, stress);
  for (guint i = 0; i < 2; i++)
    {
      Task *copy = task_new (&gen, "stress", STRATA_DEMO_STRESS_TID, STRATA_DEMO_STRESS_TID, 4000,
                             TT_STRESS, i);

      copy->state = TS_AWAY;
      cpus[i].stress = copy;
      bursts[i] = cpus[i].bursts;
    }
  plan_stress (rand, t0, end, bursts);

  /* The VMs: vCPU threads on the host, and the guest's own machine. */
  for (guint v = 0; v < spec->n_vms; v++)
    {
      const VmSpec *vm = &spec->vms[v];
      Machine *guest = machine_new (&gen, machines, vm->name, vm->n_vcpus, vm->offset_s,
                                    vm->kernel_release, spec);
      Task *guest_sessiond = NULL;

      guest->is_guest = TRUE;
      guest->clock = vm->clock;
      for (guint i = 0; i < G_N_ELEMENTS (guest_tasks); i++)
        {
          Task *task = task_from_spec (&gen, &guest_tasks[i], t0, rand);

          g_ptr_array_add (guest->tasks, task);
          if (guest_tasks[i].tid == 420)
            guest_sessiond = task;
        }

      for (guint n = 0; n < vm->n_vcpus; n++)
        {
          g_autofree char *comm = g_strdup_printf ("CPU %u/KVM", n);
          g_autofree char *kw = g_strdup_printf ("kworker/%u:0", n);
          guint pcpu = vm->pcpus[vm->floating ? n % vm->n_pcpus : n];
          Cpu *c = &cpus[pcpu];
          Task *thread = task_new (&gen, comm, vm->qemu_pid + 1 + n, vm->qemu_pid, 1, TT_VCPU, pcpu);
          Vcpu *vcpu = g_new0 (Vcpu, 1);
          GuestCpu *g = g_new0 (GuestCpu, 1);
          TaskSpec spec_worker = { "worker", 0, 812, 1, 0, 0, 0, 70 * US,
                                   "read,write,sendto,recvfrom,futex,mmap,openat,close",
                                   "epoll_wait", 0, TT_NORMAL, 0 };

          g_ptr_array_add (vcpus, vcpu);
          g_ptr_array_add (guest_cpus, g);

          thread->in_syscall = TRUE;
          thread->syscall = SC_IOCTL;
          thread->vcpu = vcpu;
          /* The guest is idle when the trace starts; its first wake-up follows the statedump. */
          thread->wake_at = t0 + runi (rand, 60 * US, 400 * US);
          g_ptr_array_add (host->tasks, thread);
          cpu_pin (c, thread);

          vcpu->thread = thread;
          vcpu->guest = g;
          vcpu->id = n;
          vcpu->n_vm_vcpus = vm->n_vcpus;
          vcpu->vm_uid = vm->vm_uid;
          vcpu->busy_mean = vm->busy_mean > 0 ? vm->busy_mean : 8 * MS;
          vcpu->idle_mean = vm->idle_mean > 0 ? vm->idle_mean : 3 * MS;
          vcpu->sync_events = !vm->no_sync;
          vcpu->sync_gh_only = vm->sync_gh_only;
          if (vm->floating)
            {
              vcpu->float_cpus = g_new (Cpu *, vm->n_pcpus);
              vcpu->n_float = vm->n_pcpus;
              for (guint k = 0; k < vm->n_pcpus; k++)
                vcpu->float_cpus[k] = &cpus[vm->pcpus[k]];
            }
          vcpu->win_mean = spec->win_mean > 0 ? spec->win_mean : 150 * US;
          vcpu->win_min = spec->win_min > 0 ? spec->win_min : 10 * US;
          vcpu->sync_period = 20 * MS;
          vcpu->last_sync = t0 - runi (rand, 0, 20 * MS);
          vcpu->first_of_busy = TRUE;

          g->o.m = guest;
          g->o.cpu = n;
          g->o.rand = g_rand_new_with_seed ((0x9e570000 + 16 * v + n) ^ salt);
          g->o.drop_from = INF;
          g->idle = guest->idle[n];
          g->cur = g->idle;
          spec_worker.tid = 812 + n;
          spec_worker.cpu = n;
          g->worker = task_from_spec (&gen, &spec_worker, t0, rand);
          g_ptr_array_add (guest->tasks, g->worker);
          g->kworker = task_new (&gen, kw, 20 + 6 * n, 20 + 6 * n, 2, TT_KTHREAD, n);
          g_ptr_array_add (guest->tasks, g->kworker);
          if (n == 0)
            {
              g->sessiond = guest_sessiond;
              g->statedump_pending = TRUE;
            }
        }
    }

  for (guint i = 0; i < machines->len; i++)
    {
      Machine *m = g_ptr_array_index (machines, i);

      if (!sink->add_trace (data, i, &m->info, error))
        goto out;
    }

  /* Host IRQ lines: the NIC on pCPU 0, the disk on pCPU 1, the GPU on pCPU 2. */
  {
    static const struct {
      guint cpu; gint irq; const char *name; guint8 vec; gint64 gap;
    } lines[] = {
      { 0, 41, "eth0", VEC_NET_RX, 2500 * US },
      { 1, 43, "ahci[0000:00:17.0]", VEC_BLOCK, 6 * MS },
      { 2, 16, "i915", 0, 16 * MS },
    };

    for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
      {
        Cpu *c = &cpus[lines[i].cpu];
        IrqSource *src = &c->irqs[c->n_irqs++];

        src->irq = lines[i].irq;
        src->name = strata_strtab_intern (strings, lines[i].name);
        src->vec = lines[i].vec;
        src->mean_gap = lines[i].gap / MAX (spec->irq_gap_div, 1);
        src->next = t0 + rexp (c->o.rand, src->mean_gap);
      }
    /* An NVMe queue's line on every pCPU, as a busy storage server has. */
    for (guint i = 0; spec->irq_every_cpu && i < HOST_CPUS; i++)
      {
        Cpu *c = &cpus[i];
        IrqSource *src = &c->irqs[c->n_irqs++];
        g_autofree char *name = g_strdup_printf ("nvme0q%u", i + 1);

        src->irq = 120 + i;
        src->name = strata_strtab_intern (strings, name);
        src->vec = VEC_BLOCK;
        src->mean_gap = 60 * US;
        src->next = t0 + rexp (c->o.rand, src->mean_gap);
      }
  }

  if (spec->drop)
    {
      /* A full ring buffer on a busy CPU: a few ms of its events are lost. */
      cpus[6].o.drop_from = t0 + 1700 * MS;
      cpus[6].o.drop_to = t0 + 1703 * MS;
    }

  /* The session daemon, current on pCPU 0, dumps the process table as tracing starts. */
  {
    Cpu *c = &cpus[0];

    c->cur = sessiond;
    sessiond->state = TS_RUNNING;
    sessiond->in_syscall = TRUE;
    sessiond->syscall = SC_IOCTL;
    gen_statedump (&c->o, sessiond);
    gen_sys_exit (&c->o, SC_IOCTL, 0);
    gen_sys_entry (&c->o, sessiond, SC_PPOLL);
    sessiond->in_syscall = TRUE;
    sessiond->syscall = SC_PPOLL;
    host_cpu_block (c, 1, INF);
  }

  /* Every pCPU's next step, earliest first (ties to the lowest CPU). A CPU's next time depends
   * on its own state, which changes when it steps or a task moves to it. */
  {
    gint64 next[HOST_CPUS];

    for (guint i = 0; i < HOST_CPUS; i++)
      next[i] = host_cpu_next (&cpus[i]);
    while (gen.error == NULL)
      {
        guint pick = 0;

        for (guint i = 1; i < HOST_CPUS; i++)
          if (next[i] < next[pick])
            pick = i;
        if (next[pick] >= end)
          break;
        host_cpu_step (&cpus[pick], next[pick]);
        for (guint i = 0; i < HOST_CPUS; i++)
          if (i == pick || cpus[i].moved_in)
            {
              cpus[i].moved_in = FALSE;
              next[i] = host_cpu_next (&cpus[i]);
            }
      }
  }

out:
  for (guint i = 0; i < HOST_CPUS; i++)
    {
      g_rand_free (cpus[i].o.rand);
      g_array_unref (cpus[i].bursts);
    }
  /* Children not reaped when the trace ended. */
  for (guint i = 0; i < owned->len; i++)
    g_free (((Task *) g_ptr_array_index (owned, i))->child);
  if (gen.error != NULL)
    {
      g_propagate_error (error, gen.error);
      return FALSE;
    }
  return TRUE;
}

static const char * const shape_names[STRATA_SCENARIO_SHAPE_N] = {
  "mixed", "exits", "switches", "irqs", "contention",
};

const char *
strata_scenario_shape_to_string (StrataScenarioShape shape)
{
  return (guint) shape < STRATA_SCENARIO_SHAPE_N ? shape_names[shape] : NULL;
}

gint
strata_scenario_shape_from_string (const char *name)
{
  for (guint i = 0; i < STRATA_SCENARIO_SHAPE_N; i++)
    if (g_strcmp0 (shape_names[i], name) == 0)
      return i;
  return -1;
}

/* The knobs of a bench set's shape. */
static void
model_spec_shape (ModelSpec           *spec,
                  StrataScenarioShape  shape)
{
  switch (shape)
    {
    case STRATA_SCENARIO_SHAPE_EXITS:
      /* Guest mode for about 15 µs at a time, and rarely idle. */
      for (guint v = 0; v < spec->n_vms; v++)
        {
          spec->vms[v].busy_mean = 60 * MS;
          spec->vms[v].idle_mean = 500 * US;
        }
      spec->win_mean = 14 * US;
      spec->win_min = 3 * US;
      break;
    case STRATA_SCENARIO_SHAPE_SWITCHES:
      spec->n_spawners = HOST_CPUS;
      spec->guest_fork_pct = 30;
      for (guint v = 0; v < spec->n_vms; v++)
        spec->vms[v].busy_mean = 20 * MS;
      break;
    case STRATA_SCENARIO_SHAPE_IRQS:
      spec->irq_gap_div = 40;
      spec->irq_every_cpu = TRUE;
      break;
    case STRATA_SCENARIO_SHAPE_CONTENTION:
      /* Four vCPUs each, on the same four pCPUs, busy: each VM waits for the other. */
      for (guint v = 0; v < spec->n_vms; v++)
        {
          spec->vms[v].n_vcpus = spec->vms[v].n_pcpus = 4;
          for (guint n = 0; n < 4; n++)
            spec->vms[v].pcpus[n] = n;
          spec->vms[v].busy_mean = 25 * MS;
          spec->vms[v].idle_mean = 1 * MS;
        }
      spec->win_mean = 40 * US;
      spec->guest_fork_pct = 5;
      break;
    case STRATA_SCENARIO_SHAPE_MIXED:
    case STRATA_SCENARIO_SHAPE_N:
    default:
      break;
    }
}

static void
model_spec_init (ModelSpec *spec,
                 gboolean   bench,
                 gboolean   legacy,
                 gboolean   no_sync)
{
  static const VmSpec server1 = {
    .name = "server1", .kernel_release = "4.19.0-23-amd64", .n_vcpus = 2, .pcpus = { 0, 1 },
    .n_pcpus = 2, .qemu_pid = STRATA_DEMO_QEMU_PID, .vm_uid = STRATA_DEMO_VM_UID,
    .offset_s = STRATA_DEMO_GUEST_OFFSET_S, .clock = { STRATA_DEMO_T0_NS, -2500 * MS, 1, 50000 },
  };
  /* The second VM shares pCPU 1 with the first one's vCPU 1: VMs preempt each other there.
   * Its clock is 1.25 s ahead and 15 ppm slow. */
  static const VmSpec server2 = {
    .name = "server2", .kernel_release = "5.10.0-19-amd64", .n_vcpus = 4, .pcpus = { 1, 2, 3, 4 },
    .n_pcpus = 4, .qemu_pid = 3200, .vm_uid = STRATA_DEMO_VM_UID + 1,
    .offset_s = G_GINT64_CONSTANT (1442501700), .clock = { STRATA_DEMO_T0_NS, 1250 * MS, -3, 200000 },
  };

  memset (spec, 0, sizeof *spec);
  spec->duration = STRATA_DEMO_DURATION_NS;
  spec->legacy = legacy;
  spec->vms[spec->n_vms++] = server1;
  if (bench)
    {
      /* Linux >= 4.14 reports an involuntary switch-out as TASK_REPORT_MAX. */
      spec->preempt_state = 256;
      spec->vms[spec->n_vms++] = server2;
    }
  else
    spec->drop = TRUE;
  for (guint v = 0; v < spec->n_vms; v++)
    spec->vms[v].no_sync = no_sync;
}

typedef struct
{
  guint64 events;
} CountSink;

static gboolean
count_sink_add_trace (gpointer                   data,
                      guint                      trace,
                      const StrataScenarioTrace *info,
                      GError                   **error)
{
  return TRUE;
}

static gboolean
count_sink_event (gpointer            data,
                  guint               trace,
                  const StrataEvent  *event,
                  GError            **error)
{
  ((CountSink *) data)->events++;
  return TRUE;
}

static gboolean
count_sink_discard (gpointer   data,
                    guint      trace,
                    guint      cpu,
                    guint64    count,
                    gint64     ts,
                    GError   **error)
{
  return TRUE;
}

static const StrataScenarioSink count_sink_funcs = {
  count_sink_add_trace, count_sink_event, count_sink_discard,
};

gboolean
strata_scenario_generate (const StrataScenarioParams *params,
                          StrataStrtab               *strings,
                          const StrataScenarioSink   *sink,
                          gpointer                    data,
                          GError                    **error)
{
  ModelSpec spec;

  g_return_val_if_fail (params != NULL, FALSE);
  g_return_val_if_fail (strings != NULL, FALSE);
  g_return_val_if_fail (sink != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  model_spec_init (&spec, params->model == STRATA_SCENARIO_BENCH, params->legacy, params->no_sync);
  if (params->model == STRATA_SCENARIO_BENCH)
    {
      guint64 target = params->n_events ? params->n_events : 10000000;
      g_autoptr(StrataStrtab) scratch = strata_strtab_new ();
      CountSink short_run = { 0 }, long_run = { 0 };
      double per_ns;

      model_spec_shape (&spec, params->shape);
      if (params->guest_fork_pct > 0)
        spec.guest_fork_pct = MIN (params->guest_fork_pct, 100);
      if (params->guest_window_ns > 0)
        spec.win_mean = params->guest_window_ns;
      /* The model's event rate is steady after its start: measure two short runs and
       * extrapolate the line through them. */
      spec.duration = 250 * MS;
      if (!model_run (&spec, scratch, &count_sink_funcs, &short_run, error))
        return FALSE;
      spec.duration = 750 * MS;
      if (!model_run (&spec, scratch, &count_sink_funcs, &long_run, error))
        return FALSE;
      per_ns = (double) (long_run.events - short_run.events) / (double) (500 * MS);
      per_ns = MAX (per_ns, 1e-9);
      spec.duration = 750 * MS + (gint64) (((double) target - (double) long_run.events) / per_ns);
      spec.duration = MAX (spec.duration, 10 * MS);
    }
  return model_run (&spec, strings, sink, data, error);
}

/* Several hosts in one set: each host's model numbers its traces from 0 (the host first), the
 * sink sees them one after the other, without the hosts whose own trace is not written. */
typedef struct
{
  const StrataScenarioSink *sink;
  gpointer                  data;
  guint                     base;
  gboolean                  skip_host;
  gint64                    host_from;  /* the host's events kept: [from, to) */
  gint64                    host_to;
} Shift;

static gboolean
shift_index (Shift *shift,
             guint  trace,
             guint *out)
{
  if (shift->skip_host && trace == 0)
    return FALSE;
  *out = shift->base + trace - (shift->skip_host ? 1 : 0);
  return TRUE;
}

static gboolean
shift_add_trace (gpointer                   data,
                 guint                      trace,
                 const StrataScenarioTrace *info,
                 GError                   **error)
{
  Shift *shift = data;
  guint index;

  return !shift_index (shift, trace, &index) || shift->sink->add_trace (shift->data, index, info, error);
}

static gboolean
shift_event (gpointer            data,
             guint               trace,
             const StrataEvent  *event,
             GError            **error)
{
  Shift *shift = data;
  guint index;

  if (trace == 0 && (event->ts < shift->host_from || event->ts >= shift->host_to))
    {
      /* A tracer started late dumps the state when it starts. */
      if ((event->kind == STRATA_EV_STATEDUMP_PROCESS || event->kind == STRATA_EV_STATEDUMP_PID_NS) &&
          event->ts < shift->host_from)
        {
          StrataEvent moved = *event;

          moved.ts = shift->host_from;
          /* Its state then is not known here: not the run's start's (running on a CPU). */
          if (moved.kind == STRATA_EV_STATEDUMP_PROCESS)
            moved.f[STRATA_F_SD_STATUS] = 0;
          return !shift_index (shift, trace, &index) || shift->sink->event (shift->data, index, &moved, error);
        }
      return TRUE;
    }
  return !shift_index (shift, trace, &index) || shift->sink->event (shift->data, index, event, error);
}

static gboolean
shift_discard (gpointer   data,
               guint      trace,
               guint      cpu,
               guint64    count,
               gint64     ts,
               GError   **error)
{
  Shift *shift = data;
  guint index;

  if (trace == 0 && (ts < shift->host_from || ts >= shift->host_to))
    return TRUE;
  return !shift_index (shift, trace, &index) || shift->sink->discard (shift->data, index, cpu, count, ts, error);
}

static const StrataScenarioSink shift_funcs = {
  shift_add_trace, shift_event, shift_discard,
};

gboolean
gen_models_run (const ModelSpec           *hosts,
                guint                      n_hosts,
                StrataStrtab              *strings,
                const StrataScenarioSink  *sink,
                gpointer                   data,
                GError                   **error)
{
  Shift shift = { sink, data, 0, FALSE };

  for (guint h = 0; h < n_hosts; h++)
    {
      shift.skip_host = hosts[h].no_host_trace;
      shift.host_from = STRATA_DEMO_T0_NS + hosts[h].trace_from;
      shift.host_to = hosts[h].trace_to > 0 ? STRATA_DEMO_T0_NS + hosts[h].trace_to : G_MAXINT64;
      if (!model_run (&hosts[h], strings, &shift_funcs, &shift, error))
        return FALSE;
      shift.base += 1 + hosts[h].n_vms - (shift.skip_host ? 1 : 0);
    }
  return TRUE;
}
