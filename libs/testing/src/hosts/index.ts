/** GPU hosts for the SSH tests: a real OpenSSH sshd on 127.0.0.1, and hosts behind it or in process running the stand-ins. */
export { type OpenSshHost, startOpenSshHost } from './openssh-host.fixture.js';
export { NON_ROOT_TEST_USER, type OpenSshServer, type OpenSshServerOptions, SSHD_PATH, startOpenSshServer } from './openssh-server.js';
export { NODE, REMOTE_DIR, type SimulatedHost, startSimulatedHost } from './simulated-host.fixture.js';
