export { type OpenSshHost, startOpenSshHost } from './openssh-host.fixture.js';
export { SSHD_PATH, startOpenSshServer } from './openssh-server.js';
