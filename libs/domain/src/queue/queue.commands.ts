export interface PauseQueue {
  readonly type: 'PauseQueue';
  readonly actor: string;
  readonly reason: string | null;
  readonly now: string;
}

export interface ResumeQueue {
  readonly type: 'ResumeQueue';
  readonly actor: string;
  readonly reason: string | null;
  readonly now: string;
}

export type QueueCommand = PauseQueue | ResumeQueue;
