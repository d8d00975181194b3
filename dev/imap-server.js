'use strict';
/**
 * A real IMAP server for the tests and the demo: Debian's Dovecot (packages dovecot-imapd and
 * dovecot-lmtpd), started on loopback with a throwaway configuration, user and Maildir in a
 * temp folder. Mail reaches the mailbox the way a mail server delivers it: over LMTP
 * (`deliver`). `stop()` stops Dovecot and removes the folder.
 *
 * Dovecot runs its mail processes as `nobody` and its login processes as `dovenull` (the
 * Debian package's user), so the master must be started as root (as CI and `npm test` run
 * here); elsewhere it says so.
 */
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { spawn, execFileSync } = require('node:child_process');

const DOVECOT = '/usr/sbin/dovecot';
const MAIL_UID = 65534;
/** Folders are named by the test run, so its teardown finds (and stops) what a killed test left. */
const RUN_ID = process.env.BOOKING_AGENTS_TEST_RUN ?? `solo-${process.pid}`;
const PREFIX = 'ba-imap-';

async function freePort() {
	return await new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

async function waitForPort(port, timeoutMs, log) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const open = await new Promise((resolve) => {
			const socket = net.connect(port, '127.0.0.1');
			socket.once('connect', () => {
				socket.destroy();
				resolve(true);
			});
			socket.once('error', () => resolve(false));
		});
		if (open) return;
		if (Date.now() > deadline)
			throw new Error(
				`Dovecot did not listen on 127.0.0.1:${port} within ${timeoutMs} ms:\n${log()}`,
			);
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}

/**
 * Starts Dovecot with one mailbox per user. Returns the IMAP port, the users, `deliver(raw or
 * message)` over LMTP, and `stop()`.
 * @param {{ users: Array<{ user: string, password: string }> }} options
 */
async function startImapServer({ users }) {
	if (!fs.existsSync(DOVECOT))
		throw new Error('No Dovecot here: apt-get install dovecot-imapd dovecot-lmtpd (see .ci/run).');
	if (!fs.existsSync('/usr/lib/dovecot/lmtp'))
		throw new Error('No Dovecot LMTP here: apt-get install dovecot-lmtpd (see .ci/run).');
	if (process.getuid?.() !== 0)
		throw new Error(
			'Dovecot runs its mail processes as nobody: start the tests as root (as CI does).',
		);
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${PREFIX}${RUN_ID}-`));
	fs.chmodSync(dir, 0o755);
	const [imapPort, lmtpPort] = [await freePort(), await freePort()];
	const home = path.join(dir, 'home');
	fs.mkdirSync(home);
	fs.chownSync(home, MAIL_UID, MAIL_UID);
	fs.mkdirSync(path.join(dir, 'run'));
	fs.mkdirSync(path.join(dir, 'state'));
	fs.writeFileSync(
		path.join(dir, 'users'),
		users.map(({ user, password }) => `${user}:{PLAIN}${password}`).join('\n') + '\n',
		{ mode: 0o644 },
	);
	const config = path.join(dir, 'dovecot.conf');
	fs.writeFileSync(
		config,
		`base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap lmtp
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = dovecot
default_internal_group = dovecot
default_login_user = dovenull
mail_location = maildir:${home}/%u/Maildir
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/users
}
userdb {
  driver = static
  args = uid=${MAIL_UID} gid=${MAIL_UID} home=${home}/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${imapPort}
  }
  inet_listener imaps {
    port = 0
  }
  chroot =
}
service anvil {
  chroot =
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = ${lmtpPort}
  }
}
`,
	);
	const child = spawn(DOVECOT, ['-F', '-c', config], { stdio: ['ignore', 'pipe', 'pipe'] });
	let output = '';
	child.stdout.on('data', (d) => (output += d));
	child.stderr.on('data', (d) => (output += d));
	const log = () => {
		const file = path.join(dir, 'dovecot.log');
		return `${output}${fs.existsSync(file) ? fs.readFileSync(file, 'utf8').slice(-4000) : ''}`;
	};
	const stop = async () => {
		if (child.exitCode === null) {
			const exited = new Promise((resolve) => child.once('exit', resolve));
			child.kill('SIGTERM');
			await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
			if (child.exitCode === null) child.kill('SIGKILL');
		}
		fs.rmSync(dir, { recursive: true, force: true });
	};
	try {
		await waitForPort(imapPort, 15_000, log);
		await waitForPort(lmtpPort, 15_000, log);
	} catch (error) {
		await stop();
		throw error;
	}
	const nodemailer = require('nodemailer');
	const lmtp = nodemailer.createTransport({
		lmtp: true,
		host: '127.0.0.1',
		port: lmtpPort,
		ignoreTLS: true,
	});
	return {
		host: '127.0.0.1',
		port: imapPort,
		users,
		log,
		/**
		 * Delivers a message into a user's INBOX over LMTP, as a mail server does. `message`: nodemailer's
		 * fields (from, to, subject, text, messageId, inReplyTo, references) or `raw` RFC 5322 text.
		 * @returns {Promise<string>} the Message-ID delivered
		 */
		async deliver(message) {
			const info = await lmtp.sendMail(message);
			return info.messageId;
		},
		/** The messages in a user's mailbox folder (`new`: not yet seen by an IMAP client; `cur`: seen). */
		maildir(user, folder = 'cur') {
			const where = path.join(home, user, 'Maildir', folder);
			return fs.existsSync(where) ? fs.readdirSync(where) : [];
		},
		stop,
	};
}

/**
 * Stops every Dovecot a run started and removes its folder (the suite's teardown, after a test
 * that was killed before its own stop ran). Returns how many were stopped.
 */
function removeImapServers(run) {
	let stopped = 0;
	for (const name of fs.readdirSync(os.tmpdir())) {
		if (!name.startsWith(run ? `${PREFIX}${run}-` : PREFIX)) continue;
		const dir = path.join(os.tmpdir(), name);
		const pidFile = path.join(dir, 'run', 'master.pid');
		const pid = fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, 'utf8').trim()) : NaN;
		if (Number.isInteger(pid) && pid > 0)
			try {
				process.kill(pid, 'SIGTERM');
				stopped++;
			} catch {
				// Already gone.
			}
		fs.rmSync(dir, { recursive: true, force: true });
	}
	return stopped;
}

module.exports = { startImapServer, removeImapServers };
