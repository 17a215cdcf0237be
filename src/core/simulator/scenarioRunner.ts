/**
 * Plays a Scenario on the desk: each step waits for its agent's state (`when`, on the desk's
 * state events, never by polling), then its delay divided by the speed, then acts as the matching
 * REST request would. One runner per simulator; it stops on close.
 */
import { EventEmitter } from 'node:events';
import type { Desk, Outcome } from './desk';
import { requestIdFor, Scenario, ScenarioStep } from './scenario';

export interface StepEvent {
  index: number;
  iteration: number;
  /** `ring agent1 from 5551234`, `state agent1 READY`, `answer agent1`. */
  label: string;
  ok: boolean;
  /** The ApiError type when the desk refused the step. */
  error?: string;
}

export class ScenarioRunner extends EventEmitter<{ step: [StepEvent]; done: [] }> {
  private index = 0;
  private iteration = 0;
  private timer: NodeJS.Timeout | undefined;
  private waiting: ((e: { user: string }) => void) | undefined;
  private started = false;
  private stopped = false;

  constructor(
    private readonly desk: Desk,
    private readonly scenario: Scenario,
    private readonly speed: number,
  ) {
    super();
  }

  get running(): boolean {
    return this.started && !this.stopped;
  }

  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    if (!this.scenario.steps.length) return;
    this.next();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.waiting) this.desk.off('state', this.waiting);
    this.waiting = undefined;
  }

  private next(): void {
    if (this.stopped) return;
    const step = this.scenario.steps[this.index];
    const delay = () => {
      const ms = Number.isFinite(this.speed) ? (step.after * 1000) / this.speed : 0;
      this.timer = setTimeout(() => this.play(step), ms);
    };
    if (!step.when || this.desk.stateOf(step.action.agent) === step.when) return delay();
    const onState = (e: { user: string }) => {
      if (e.user !== step.action.agent || this.desk.stateOf(e.user) !== step.when) return;
      this.desk.off('state', onState);
      this.waiting = undefined;
      // After the change that met the condition has been published in full.
      setImmediate(delay);
    };
    this.waiting = onState;
    this.desk.on('state', onState);
  }

  private play(step: ScenarioStep): void {
    if (this.stopped) return;
    const { outcome, label } = this.act(step);
    this.emit('step', {
      index: this.index,
      iteration: this.iteration,
      label,
      ok: outcome.ok,
      ...(outcome.ok ? {} : { error: outcome.error.type }),
    });
    this.index++;
    if (this.index >= this.scenario.steps.length) {
      if (!this.scenario.loop) {
        this.stopped = true;
        this.emit('done');
        return;
      }
      this.index = 0;
      this.iteration++;
    }
    this.next();
  }

  private act(step: ScenarioStep): { outcome: Outcome; label: string } {
    const a = step.action;
    switch (a.kind) {
      case 'state':
        return {
          label: `state ${a.agent} ${a.to}`,
          outcome: this.desk.setState(
            a.agent,
            { state: a.to, extension: a.extension, reasonCodeId: a.reasonCodeId },
            requestIdFor(a.requestId, this.iteration),
          ),
        };
      case 'ring':
        return {
          label: `ring ${a.agent} from ${a.from}`,
          outcome: this.desk.ring(a.agent, { from: a.from, variables: a.variables, queue: a.queue }),
        };
      case 'call': {
        const label = `${a.action.toLowerCase()} ${a.agent}`;
        const dialog = this.desk.activeDialogOf(a.agent);
        if (!dialog)
          return {
            label,
            outcome: { ok: false, error: { status: 404, type: 'Not Found', message: `${a.agent} has no call` } },
          };
        return {
          label,
          outcome: this.desk.dialogAction(
            dialog.id,
            a.agent,
            { action: a.action },
            requestIdFor(a.requestId, this.iteration),
          ),
        };
      }
    }
  }
}
