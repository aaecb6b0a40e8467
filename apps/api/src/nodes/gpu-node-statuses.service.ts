import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { COSMOS_CONFIG, type CosmosConfig } from '../../../../libs/config/src/index.js';
import { CLOCK, type Clock } from '../../../../libs/eventstore/src/index.js';
import { GPU_NODES, type GpuNodes, type NodeStatus, probeNode } from '../../../../libs/gpu/src/index.js';
import { LatestFeed } from './latest-feed.js';

type Statuses = readonly NodeStatus[];

interface ProbeLoop {
  readonly stop: AbortController;
  /** Ends the current wait between probes early. */
  wake(): void;
  /** Set when something changed during a probe, so the next one starts without waiting. */
  again: boolean;
}

/**
 * Node statuses on demand, and as a feed for gpuNodesChanged. However many subscribe, one loop
 * probes every `gpu.status_interval_ms`, and only while someone listens: each probe is a few SSH
 * commands per node, which are not free on a busy GPU host.
 */
@Injectable()
export class GpuNodeStatuses implements OnModuleDestroy {
  private readonly logger = new Logger(GpuNodeStatuses.name);
  private readonly feeds = new Set<LatestFeed<Statuses>>();
  private latest: Statuses | null = null;
  private loop: ProbeLoop | null = null;

  constructor(
    @Inject(GPU_NODES) private readonly nodes: GpuNodes,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(COSMOS_CONFIG) private readonly config: CosmosConfig,
  ) {}

  /** Every node, probed side by side now. */
  probe(): Promise<NodeStatus[]> {
    return Promise.all(this.nodes.list().map((node) => probeNode(node, { now: () => this.clock.now() })));
  }

  /** The statuses now (the shared loop's latest, or its first probe), then after each change. */
  watch(): AsyncIterableIterator<Statuses> {
    const feed = new LatestFeed<Statuses>(() => this.leave(feed));
    this.feeds.add(feed);
    if (this.latest !== null) feed.push(this.latest);
    this.loop ??= this.startLoop();
    return feed;
  }

  /** Probes again now rather than at the next interval (after a kill, say), if anyone listens. */
  refresh(): void {
    if (this.loop === null) return;
    this.loop.again = true;
    this.loop.wake();
  }

  onModuleDestroy(): void {
    for (const feed of [...this.feeds]) feed.end();
  }

  private leave(feed: LatestFeed<Statuses>): void {
    this.feeds.delete(feed);
    if (this.feeds.size > 0 || this.loop === null) return;
    this.loop.stop.abort();
    this.loop = null;
    // A later subscriber must not get a snapshot from before the loop paused.
    this.latest = null;
  }

  private startLoop(): ProbeLoop {
    const loop: ProbeLoop = { stop: new AbortController(), wake: () => undefined, again: false };
    void this.run(loop);
    return loop;
  }

  private async run(loop: ProbeLoop): Promise<void> {
    const { signal } = loop.stop;
    let published: string | null = null;
    while (!signal.aborted) {
      loop.again = false;
      try {
        const statuses = await this.probe();
        if (signal.aborted) return;
        this.latest = statuses;
        const fingerprint = fingerprintOf(statuses);
        if (fingerprint !== published) {
          published = fingerprint;
          for (const feed of this.feeds) feed.push(statuses);
        }
      } catch (error) {
        // probeNode reports failures in the status; anything thrown here is a bug, not a reason to stop.
        this.logger.error({ msg: 'GPU node probe failed', error: (error as Error).message });
      }
      if (!loop.again) await this.pause(loop);
    }
  }

  private pause(loop: ProbeLoop): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        loop.stop.signal.removeEventListener('abort', done);
        loop.wake = () => undefined;
        resolve();
      };
      const timer = setTimeout(done, this.config.gpu.statusIntervalMs);
      loop.stop.signal.addEventListener('abort', done, { once: true });
      loop.wake = done;
    });
  }
}

/** Everything but checkedAt: a probe that found the same is no news. */
function fingerprintOf(statuses: Statuses): string {
  return JSON.stringify(statuses.map(({ checkedAt: _checkedAt, ...rest }) => rest));
}
