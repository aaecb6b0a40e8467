import { CHECKPOINT_DIR, CONTAINER_ROOT, MODEL_SERVER_OUTPUT_DIR, MODEL_SERVER_PORT, MODEL_SERVER_UPLOADS_DIR } from '../../../domain/src/index.js';
import { dockerRun } from '../docker-command.js';
import type { ExecutorNode } from '../executor/container-run.js';

/** One model server per node: docker names are per host, so a second start finds the first. */
export const MODEL_SERVER_CONTAINER = 'cosmos-model-server';

export interface ModelServerLaunch {
  /** The node's GPUs the server holds for as long as it runs. */
  readonly devices: readonly number[];
  /** The node's loopback port its 8080 is published on. */
  readonly hostPort: number;
}

/**
 * `docker run` of cosmos-transfer1's Gradio server (reference §7.1) from the node's image and
 * remote dir, as start_gradio_app.sh would run it: from the repo root, with its outputs and our
 * uploaded inputs both inside its allowed paths, and its port published on 127.0.0.1 only.
 */
export function modelServerRun(node: ExecutorNode, launch: ModelServerLaunch): string[] {
  return dockerRun({
    name: MODEL_SERVER_CONTAINER,
    labels: { server: 'model' },
    image: node.image,
    gpus: { devices: launch.devices },
    sudo: node.sudo,
    publish: [{ hostPort: launch.hostPort, containerPort: MODEL_SERVER_PORT }],
    volumes: [{ host: node.remoteDir, container: CONTAINER_ROOT }],
    workdir: CONTAINER_ROOT,
    env: {
      PYTHONPATH: CONTAINER_ROOT,
      CHECKPOINT_DIR: `${CONTAINER_ROOT}/${CHECKPOINT_DIR}`,
      OUTPUT_DIR: `${CONTAINER_ROOT}/${MODEL_SERVER_OUTPUT_DIR}`,
      UPLOADS_DIR: `${CONTAINER_ROOT}/${MODEL_SERVER_UPLOADS_DIR}`,
      NUM_GPU: String(launch.devices.length),
    },
    extraArgs: node.dockerArgs,
    command: ['python3', 'server/gradio_app.py'],
    detached: true,
  });
}
