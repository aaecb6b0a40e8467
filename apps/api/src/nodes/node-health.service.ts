import { Inject, Injectable } from '@nestjs/common';
import { GPU_NODES, type GpuNodes } from '../../../../libs/gpu/src/index.js';
import { DOCUMENT_STORE, type DocumentStore, GPU_NODES_COLLECTION, type GpuNodeDoc } from '../../../../libs/read-models/src/index.js';
import { nodeReach, type NodeReach } from './node-health.js';

/**
 * The workers' last word on each configured node, from the `nodes` read model: it costs no SSH,
 * so `/readyz` and `Job.waitingFor` answer at once even while every node is down. An api process
 * that configures no node (a worker elsewhere may run the simulated one) goes by the nodes the
 * workers reported.
 */
@Injectable()
export class NodeHealth {
  constructor(
    @Inject(GPU_NODES) private readonly nodes: GpuNodes,
    @Inject(DOCUMENT_STORE) private readonly documents: DocumentStore,
  ) {}

  async reach(): Promise<NodeReach[]> {
    const docs = await this.documents.find<GpuNodeDoc>(GPU_NODES_COLLECTION, {});
    const configured = this.nodes.list().map((node) => node.name);
    return nodeReach(configured.length > 0 ? configured : docs.map((doc) => doc.id), docs);
  }
}
