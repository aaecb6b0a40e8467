import { act, fireEvent, render, screen } from '@testing-library/react';
import type { ReactNode } from 'react';
import type { ConnectionState, CosmosClient } from '../lib/client';
import { ClientContext } from '../lib/hooks';
import { LogViewer } from './log-viewer';

interface Line {
  lineNumber: number;
  text: string;
  backlog: boolean;
}

/**
 * The client's surface the viewer uses, driven by the test: who subscribed with which variables,
 * lines pushed to the live subscription, and a lost and regained socket.
 */
class ScriptedClient {
  connection: ConnectionState = 'connected';
  generation = 1;
  readonly subscriptions: { variables: Record<string, unknown>; push: (line: Line) => void; open: boolean }[] = [];
  private readonly listeners = new Set<(state: ConnectionState) => void>();

  onState(listener: (state: ConnectionState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  subscribe(_document: unknown, variables: Record<string, unknown>, onData: (data: { runLog: Line }) => void): () => void {
    const subscription = { variables, push: (line: Line) => onData({ runLog: line }), open: true };
    this.subscriptions.push(subscription);
    return () => {
      subscription.open = false;
    };
  }

  live() {
    return this.subscriptions.filter((subscription) => subscription.open);
  }

  setState(state: ConnectionState) {
    if (state === 'connected') this.generation += 1;
    this.connection = state;
    this.listeners.forEach((listener) => listener(state));
  }
}

function renderWith(client: ScriptedClient, children: ReactNode) {
  return render(<ClientContext.Provider value={client as unknown as CosmosClient}>{children}</ClientContext.Provider>);
}

const frame = () => act(() => new Promise<void>((resolve) => requestAnimationFrame(() => resolve())));

let lastLine = 0;
beforeEach(() => (lastLine = 0));

/** The next lines of the run's log, as the service numbers them, to the live subscription. */
function push(client: ScriptedClient, ...texts: string[]) {
  const [subscription] = client.live();
  for (const text of texts) subscription!.push({ lineNumber: (lastLine += 1), text, backlog: false });
}

/** Each shown line as number and text (the number is its own, unselectable, element). */
const shownLines = () => [...document.querySelectorAll('[data-testid="run-log"] .log-line')].map((line) => line.textContent!.trimEnd());

describe('LogViewer', () => {
  it('shows lines as they arrive, filters by level, text and regex, and says why a pattern is invalid', async () => {
    const client = new ScriptedClient();
    renderWith(client, <LogViewer runId="rs_1" />);
    expect(client.live().map((subscription) => subscription.variables)).toEqual([{ runId: 'rs_1', afterLine: 0 }]);

    push(client, 'loading checkpoint', 'WARNING: low memory', 'ERROR: CUDA out of memory', 'step 1/35');
    await frame();
    expect(shownLines()).toEqual(['1loading checkpoint', '2WARNING: low memory', '3ERROR: CUDA out of memory', '4step 1/35']);
    expect(screen.getByText('4 of 4 lines')).toBeTruthy();

    fireEvent.click(screen.getByRole('checkbox', { name: 'info' }));
    expect(shownLines()).toEqual(['2WARNING: low memory', '3ERROR: CUDA out of memory']);
    fireEvent.click(screen.getByRole('checkbox', { name: 'info' }));

    fireEvent.change(screen.getByLabelText('Filter'), { target: { value: 'memory' } });
    expect(shownLines()).toEqual(['2WARNING: low memory', '3ERROR: CUDA out of memory']);

    fireEvent.click(screen.getByRole('checkbox', { name: 'regex' }));
    fireEvent.change(screen.getByLabelText('Filter'), { target: { value: '^step \\d+/35$' } });
    expect(shownLines()).toEqual(['4step 1/35']);

    fireEvent.change(screen.getByLabelText('Filter'), { target: { value: 'step (' } });
    expect(shownLines()).toEqual([]);
    expect(screen.getByText(/^Not a regular expression:/)).toBeTruthy();
    expect(screen.getByLabelText('Filter').getAttribute('aria-invalid')).toBe('true');
  });

  it('after a lost socket resubscribes from the last line it holds, so nothing repeats', async () => {
    const client = new ScriptedClient();
    renderWith(client, <LogViewer runId="rs_1" />);
    push(client, 'one', 'two', 'three');
    await frame();

    act(() => client.setState('reconnecting'));
    expect(client.live()).toHaveLength(0);
    act(() => client.setState('connected'));
    expect(client.live().map((subscription) => subscription.variables)).toEqual([{ runId: 'rs_1', afterLine: 3 }]);

    push(client, 'four');
    await frame();
    expect(shownLines()).toEqual(['1one', '2two', '3three', '4four']);
  });

  it('as a tail shows only the last lines', async () => {
    const client = new ScriptedClient();
    renderWith(client, <LogViewer runId="rs_1" tail={2} />);
    push(client, 'a', 'b', 'c');
    await frame();
    expect(screen.getByLabelText('Last lines of the log of rs_1').textContent).toBe('b\nc\n');
  });
});
