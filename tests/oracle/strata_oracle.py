#!/usr/bin/python3
# strata_oracle.py: an independent reconstruction of what every CPU of a kernel trace ran,
# straight from the raw events, to check the analysis against. It shares no code with
# Strata: it reads the trace with libbabeltrace2's Python bindings, each stream on its own
# (babeltrace2's muxer rejects the overlapping packets of old LTTng), merges the streams by
# timestamp, and replays the events forward, using what the trace proves about the time
# before each CPU's first switch (design notes, section 4):
#
# - a CPU's first sched_switch names the thread that ran before it (prev_tid): that thread
#   ran from the CPU's first event;
# - a statedump process_state with status RUN (6) and a cpu field says who runs there;
# - a KVM entry says a vCPU thread runs there, in guest mode until the KVM exit (state
#   `guest`; its tid is the CPU's current thread when one of the other proofs names it);
# - a thread's first syscall event being an exit proves it was in that syscall from its
#   first appearance; a CPU's first IRQ or soft IRQ event being an exit, likewise.
#
# It also lists every switch-out that the trace proves runnable: prev_state 0 or exactly
# one preemption marker bit (256, 1024, 2048, 4096), or switched in again with no wakeup
# in between, in a trace that records wakeups and lost no events (elsewhere, no wakeup seen
# is no proof: it may not have been recorded).
#
# Usage: strata_oracle.py [--json] TRACE_FOLDER
# Output (--json): {"begin_ns", "end_ns", "hostname", "cpus": {"N": [[start, end, state,
# tid|null], ...]}, "runnable_switch_outs": [[tid, ts, cpu, prev_state, proof], ...]}
#
# Copyright 2026 The Strata authors
#
# SPDX-License-Identifier: GPL-3.0-or-later

import heapq
import json
import sys

import bt2

STATEDUMP_RUN = 6
PREEMPTION_MARKERS = (0, 256, 1024, 2048, 4096)

WAKEUPS = ('sched_wakeup', 'sched_wakeup_new', 'sched_waking')
IRQ_ENTRY = ('irq_handler_entry',)
IRQ_EXIT = ('irq_handler_exit',)
SOFTIRQ_ENTRY = ('softirq_entry', 'irq_softirq_entry')
SOFTIRQ_EXIT = ('softirq_exit', 'irq_softirq_exit')
KVM_ENTRY = ('kvm_entry', 'kvm_x86_entry')
KVM_EXIT = ('kvm_exit', 'kvm_x86_exit')

# Event kinds, as small ints so the replay compares cheaply.
K_OTHER, K_SWITCH, K_WAKEUP, K_SYS_ENTRY, K_SYS_EXIT, K_IRQ_ENTRY, K_IRQ_EXIT, \
    K_SOFTIRQ_ENTRY, K_SOFTIRQ_EXIT, K_STATEDUMP, K_KVM_ENTRY, K_KVM_EXIT = range(12)


def kind_of(name):
    if name == 'sched_switch':
        return K_SWITCH
    if name in WAKEUPS:
        return K_WAKEUP
    if name.startswith(('syscall_entry_', 'compat_syscall_entry_')):
        return K_SYS_ENTRY
    if name.startswith(('syscall_exit_', 'compat_syscall_exit_')) or name == 'exit_syscall':
        return K_SYS_EXIT
    if name.startswith('sys_'):  # LTTng before 2.6: sys_<name> entries, one exit_syscall
        return K_SYS_ENTRY
    if name in IRQ_ENTRY:
        return K_IRQ_ENTRY
    if name in IRQ_EXIT:
        return K_IRQ_EXIT
    if name in SOFTIRQ_ENTRY:
        return K_SOFTIRQ_ENTRY
    if name in SOFTIRQ_EXIT:
        return K_SOFTIRQ_EXIT
    if name == 'lttng_statedump_process_state':
        return K_STATEDUMP
    if name in KVM_ENTRY:
        return K_KVM_ENTRY
    if name in KVM_EXIT:
        return K_KVM_EXIT
    return K_OTHER


class _Sink(bt2._UserSinkComponent):
    """Reads every input port to its end, one port after the other, into per-stream lists
    of (ts, cpu, kind, fields)."""

    def __init__(self, config, params, obj):
        self._streams = obj['streams']
        self._environment = obj['environment']
        self._lost = obj['lost']
        self._kinds = {}
        for i in range(obj['ports']):
            self._add_input_port('in%d' % i)

    def _user_graph_is_configured(self):
        self._iterators = [self._create_message_iterator(port)
                           for port in self._input_ports.values()]
        self._next = 0

    def _read_event(self, msg):
        ev = msg.event
        name = ev.name
        kind = self._kinds.get(name)
        if kind is None:
            kind = self._kinds[name] = kind_of(name)
        ts = msg.default_clock_snapshot.ns_from_origin
        cpu = int(ev.packet.context_field['cpu_id'])
        fields = None
        if kind == K_OTHER:
            return (ts, cpu, kind, None)
        payload = ev.payload_field
        if kind == K_SWITCH:
            fields = (int(payload['prev_tid']), int(payload['prev_state']),
                      int(payload['next_tid']))
        elif kind == K_WAKEUP:
            fields = int(payload['tid'])
        elif kind == K_STATEDUMP:
            cpu_field = payload.get('cpu')
            fields = (int(payload['tid']), int(payload['status']),
                      int(cpu_field) if cpu_field is not None else None)
        return (ts, cpu, kind, fields)

    def _user_consume(self):
        if self._next >= len(self._iterators):
            raise bt2.Stop
        events = []
        last = None
        for msg in self._iterators[self._next]:
            if type(msg) is bt2._StreamBeginningMessageConst and not self._environment:
                for key, value in msg.stream.trace.environment.items():
                    self._environment[key] = (int(value) if isinstance(value, int)
                                              else str(value))
            if type(msg) in (bt2._DiscardedEventsMessageConst, bt2._DiscardedPacketsMessageConst):
                self._lost.append(msg.count)
            if type(msg) is bt2._EventMessageConst:
                event = self._read_event(msg)
                # A stream's own order is the order things happened in: an event dated
                # before its predecessor is kept at its predecessor's time.
                if last is not None and event[0] < last:
                    event = (last,) + event[1:]
                last = event[0]
                events.append(event)
        self._streams.append(events)
        self._next += 1


def read_trace(path):
    """Every event of the CTF trace at PATH, as (ts, cpu, kind, fields) in time order, and
    the trace's environment (hostname, domain, tracer and kernel versions)."""
    graph = bt2.Graph()
    source_class = bt2.find_plugin('ctf').source_component_classes['fs']
    source = graph.add_component(source_class, 'source', params={'inputs': [path]})
    ports = list(source.output_ports.values())
    streams = []
    environment = {}
    lost = []
    sink = graph.add_component(_Sink, 'sink', obj={'ports': len(ports), 'streams': streams,
                                                   'environment': environment, 'lost': lost})
    for i, port in enumerate(ports):
        graph.connect_ports(port, sink.input_ports['in%d' % i])
    graph.run()

    # Ties between streams keep the streams' order; ties within one stream keep its order.
    keyed = ([(e[0], s, i, e) for i, e in enumerate(events)]
             for s, events in enumerate(streams))
    environment['_lost_events'] = bool(lost)
    return [k[3] for k in heapq.merge(*keyed)], environment


def initial_state(events):
    """What the trace proves about each CPU before its first switch, and each thread
    before its first syscall event."""
    cpu_first = {}          # cpu -> first event time
    cpu_thread = {}         # cpu -> thread running from the CPU's first event
    cpu_statedump = {}      # cpu -> thread a statedump RUN puts there, before any switch
    cpu_irqs = {}           # cpu -> handlers open at the CPU's first event, outermost first
    looking = {}            # cpu -> handlers entered since, while the first ones may be open
    switched = set()
    for ts, cpu, kind, fields in events:
        if cpu not in cpu_first:
            cpu_first[cpu] = ts
            cpu_irqs[cpu] = []
            looking[cpu] = []
        if kind == K_SWITCH:
            # No switch happens inside a handler: whatever was open at the start is closed.
            looking[cpu] = None
            if cpu not in switched:
                switched.add(cpu)
                cpu_thread[cpu] = fields[0]
        elif kind == K_STATEDUMP:
            tid, status, on_cpu = fields
            if status == STATEDUMP_RUN and on_cpu is not None and on_cpu not in switched:
                cpu_statedump.setdefault(on_cpu, tid)
        elif kind in (K_IRQ_ENTRY, K_SOFTIRQ_ENTRY, K_IRQ_EXIT, K_SOFTIRQ_EXIT):
            entered = looking[cpu]
            if entered is None:
                continue
            if kind in (K_IRQ_ENTRY, K_SOFTIRQ_ENTRY):
                entered.append(kind)
                continue
            opened = K_IRQ_ENTRY if kind == K_IRQ_EXIT else K_SOFTIRQ_ENTRY
            if entered:
                if entered[-1] == opened:
                    entered.pop()
                continue
            # An exit with nothing open since the start: the CPU was in that handler from
            # its first event, inside any found so far. A soft IRQ runs only outside hard
            # IRQ handlers, so nothing can be open around it.
            cpu_irqs[cpu].insert(0, opened)
            if opened == K_SOFTIRQ_ENTRY or len(cpu_irqs[cpu]) >= 2:
                looking[cpu] = None
    for cpu, tid in cpu_statedump.items():
        cpu_thread.setdefault(cpu, tid)
    return cpu_first, cpu_thread, cpu_irqs


def first_syscall_exits(events, cpu_thread):
    """Threads whose first syscall event is an exit: in a syscall from their first
    appearance. Needs the current thread of every CPU, so it replays the switches."""
    current = dict(cpu_thread)
    seen = set()
    in_syscall = set()
    for ts, cpu, kind, fields in events:
        if kind == K_SWITCH:
            current[cpu] = fields[2]
        elif kind in (K_SYS_ENTRY, K_SYS_EXIT):
            tid = current.get(cpu)
            if tid is None or tid in seen:
                continue
            seen.add(tid)
            if kind == K_SYS_EXIT:
                in_syscall.add(tid)
    return in_syscall


def reconstruct(events, lost_events=False):
    """Per-CPU interval lists [start, end, state, tid] over [CPU's first event, trace end],
    and the switch-outs the trace proves runnable (LOST_EVENTS: the trace lost some)."""
    if not events:
        return 0, 0, {}, []
    # A switch-in with no wakeup since the switch-out proves something only where wakeups
    # are recorded and none can have been lost.
    switch_in_proves = not lost_events and any(e[2] == K_WAKEUP for e in events)
    end = events[-1][0]
    cpu_first, cpu_thread, cpu_irqs = initial_state(events)
    in_syscall = first_syscall_exits(events, cpu_thread)

    current = {}
    irqs = {}
    in_guest = set()
    rows = {cpu: [] for cpu in cpu_first}
    last = {}  # cpu -> (start, state, tid) of the interval being built

    def state_of(cpu):
        stack = irqs[cpu]
        tid = current.get(cpu)
        if stack:
            return ('irq' if stack[-1] == K_IRQ_ENTRY else 'softirq'), tid
        if cpu in in_guest:
            return 'guest', tid
        if tid is None:
            return 'unknown', None
        if tid == 0:
            return 'idle', 0
        return ('syscall' if tid in in_syscall else 'user'), tid

    def update(cpu, ts):
        state, tid = state_of(cpu)
        start, old_state, old_tid = last[cpu]
        if state == old_state and tid == old_tid:
            return
        if ts > start:
            rows[cpu].append([start, ts, old_state, old_tid])
            last[cpu] = (ts, state, tid)
        else:
            last[cpu] = (start, state, tid)

    # Switch-outs: a thread switched out with a marker is runnable; one switched out with a
    # sleep value is runnable too if it is switched in again before any wakeup.
    pending = {}   # tid -> (ts, cpu, prev_state) of its last switch-out with a sleep value
    runnable = []

    for ts, cpu, kind, fields in events:
        if cpu not in last:
            current[cpu] = cpu_thread.get(cpu)
            irqs[cpu] = list(cpu_irqs[cpu])
            state, tid = state_of(cpu)
            last[cpu] = (ts, state, tid)
        if kind == K_OTHER:
            continue
        if kind == K_SWITCH:
            prev_tid, prev_state, next_tid = fields
            if prev_tid != 0:
                if prev_state in PREEMPTION_MARKERS:
                    runnable.append([prev_tid, ts, cpu, prev_state, 'state'])
                    pending.pop(prev_tid, None)
                else:
                    pending[prev_tid] = (ts, cpu, prev_state)
            if next_tid != 0 and next_tid in pending:
                out_ts, out_cpu, out_state = pending.pop(next_tid)
                if switch_in_proves:
                    runnable.append([next_tid, out_ts, out_cpu, out_state, 'switched-in'])
            current[cpu] = next_tid
            in_guest.discard(cpu)
        elif kind == K_KVM_ENTRY:
            in_guest.add(cpu)
        elif kind == K_KVM_EXIT:
            in_guest.discard(cpu)
        elif kind == K_WAKEUP:
            pending.pop(fields, None)
        elif kind == K_SYS_ENTRY:
            tid = current.get(cpu)
            if tid is not None:
                in_syscall.add(tid)
        elif kind == K_SYS_EXIT:
            tid = current.get(cpu)
            if tid is not None:
                in_syscall.discard(tid)
        elif kind in (K_IRQ_ENTRY, K_SOFTIRQ_ENTRY):
            irqs[cpu].append(kind)
        elif kind in (K_IRQ_EXIT, K_SOFTIRQ_EXIT):
            opened = K_IRQ_ENTRY if kind == K_IRQ_EXIT else K_SOFTIRQ_ENTRY
            stack = irqs[cpu]
            if opened in stack:
                while stack and stack.pop() != opened:
                    pass
        update(cpu, ts)

    for cpu, (start, state, tid) in last.items():
        if end > start:
            rows[cpu].append([start, end, state, tid])
    runnable.sort(key=lambda r: (r[1], r[0]))
    return events[0][0], end, rows, runnable


def main(argv):
    args = [a for a in argv[1:] if not a.startswith('--')]
    if len(args) != 1:
        sys.stderr.write('usage: strata_oracle.py [--json] TRACE_FOLDER\n')
        return 2
    events, environment = read_trace(args[0])
    begin, end, rows, runnable = reconstruct(events, environment.get('_lost_events', False))
    if '--json' in argv:
        json.dump({'begin_ns': begin, 'end_ns': end, 'hostname': environment.get('hostname'),
                   'cpus': {str(cpu): rows[cpu] for cpu in sorted(rows)},
                   'runnable_switch_outs': runnable}, sys.stdout)
        sys.stdout.write('\n')
        return 0
    for cpu in sorted(rows):
        print('CPU %d' % cpu)
        for start, stop, state, tid in rows[cpu]:
            print('  %d %12d ns  %-8s %s' % (start, stop - start, state,
                                             '' if tid is None else tid))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
