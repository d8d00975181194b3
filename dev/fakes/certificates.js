'use strict';
/**
 * Test certificates for the fakes that stand in for HTTPS APIs (Twilio, Stripe): a throwaway
 * CA and a server certificate for the API's host name, made with openssl in a temp folder the
 * fake removes when it stops. n8n trusts the CA through NODE_EXTRA_CA_CERTS.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/** A test CA and a server certificate for `host`, made with openssl. */
function makeCertificates(host) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), `fake-${host.replace(/\W/g, '-')}-`));
	const run = (...args) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
	run(
		'req',
		'-x509',
		'-newkey',
		'rsa:2048',
		'-nodes',
		'-days',
		'2',
		'-subj',
		`/CN=Booking Agents Test CA for ${host}`,
		'-keyout',
		'ca.key',
		'-out',
		'ca.pem',
	);
	run(
		'req',
		'-newkey',
		'rsa:2048',
		'-nodes',
		'-subj',
		`/CN=${host}`,
		'-keyout',
		'server.key',
		'-out',
		'server.csr',
	);
	fs.writeFileSync(
		path.join(dir, 'san.ext'),
		`subjectAltName=DNS:${host}\nextendedKeyUsage=serverAuth\n`,
	);
	run(
		'x509',
		'-req',
		'-in',
		'server.csr',
		'-CA',
		'ca.pem',
		'-CAkey',
		'ca.key',
		'-CAcreateserial',
		'-days',
		'2',
		'-extfile',
		'san.ext',
		'-out',
		'server.pem',
	);
	return {
		dir,
		ca: path.join(dir, 'ca.pem'),
		key: fs.readFileSync(path.join(dir, 'server.key')),
		cert: fs.readFileSync(path.join(dir, 'server.pem')),
	};
}

module.exports = { makeCertificates };
