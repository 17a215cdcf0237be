import assert from 'node:assert/strict';
import { sessionOptions } from '../../../src/cli/connect';
import { UsageError } from '../../../src/cli/io';
import { makeCert, TestCert } from '../../support/wss';

const base = ['--url', 'wss://finesse1.lab:8445/ws/', '--domain', 'lab.local', '--user', 'agent1'];
const env = { FINESSE_PASSWORD: 'pw' };

function usage(args: string[], e: NodeJS.ProcessEnv = env): string {
  try {
    sessionOptions(args, e);
  } catch (err) {
    assert.ok(err instanceof UsageError, String(err));
    return err.message;
  }
  assert.fail(`expected a usage error for ${args.join(' ')}`);
}

describe('finesse-frames connect options', () => {
  let cert: TestCert;
  before(async () => {
    cert = await makeCert();
  });
  after(() => cert.dispose());

  it('maps flags and the password from the environment to session options', () => {
    const opts = sessionOptions(
      [
        ...base,
        '--team',
        '1',
        '--team',
        '2',
        '--resource',
        'sup',
        '--pubsub',
        'ps.lab.local',
        '--keepalive',
        '5000',
        '--ca',
        cert.file,
      ],
      env,
    );
    assert.deepEqual(opts, {
      url: 'wss://finesse1.lab:8445/ws/',
      domain: 'lab.local',
      user: 'agent1',
      password: 'pw',
      teams: ['1', '2'],
      resource: 'sup',
      pubsub: 'ps.lab.local',
      trust: { caFile: cert.file },
      keepaliveMs: 5000,
    });
    assert.deepEqual(sessionOptions(base, env), {
      url: 'wss://finesse1.lab:8445/ws/',
      domain: 'lab.local',
      user: 'agent1',
      password: 'pw',
    });
  });

  it('normalises a pinned fingerprint', () => {
    const opts = sessionOptions([...base, '--fingerprint', cert.fingerprint.replace(/:/g, '').toLowerCase()], env);
    assert.deepEqual(opts !== 'help' && opts.trust, { fingerprint: cert.fingerprint });
  });

  it('asks for help', () => {
    assert.equal(sessionOptions(['--help'], {}), 'help');
    assert.equal(sessionOptions(['-h'], {}), 'help');
  });

  it('takes the password only from FINESSE_PASSWORD', () => {
    assert.match(usage(base, {}), /FINESSE_PASSWORD/);
    assert.match(usage(base, { FINESSE_PASSWORD: '' }), /FINESSE_PASSWORD/);
    assert.match(usage([...base, '--password', 'pw']), /unknown option --password/);
  });

  it('says what is wrong with each bad flag', () => {
    assert.match(usage(['--domain', 'd', '--user', 'u']), /--url is required/);
    assert.match(usage(['--url', 'ws://x/ws', '--user', 'u']), /--domain is required/);
    assert.match(usage(['--url', 'nonsense', '--domain', 'd', '--user', 'u']), /is not a URL/);
    assert.match(usage(['--url', 'https://x/ws', '--domain', 'd', '--user', 'u']), /must be ws:\/\/ or wss:\/\//);
    assert.match(usage([...base, '--keepalive=-1']), /--keepalive expects milliseconds/);
    assert.match(usage([...base, '--keepalive', 'soon']), /--keepalive/);
    assert.match(usage([...base, '--fingerprint', 'AB:CD']), /--fingerprint: .*64 hex digits/);
    assert.match(usage([...base, '--ca', '/nonexistent/ca.pem']), /--ca: cannot read/);
    assert.match(
      usage(['--url', 'ws://x/ws', '--domain', 'd', '--user', 'u', '--fingerprint', cert.fingerprint]),
      /need a wss:\/\/ URL/,
    );
    assert.match(usage([...base, 'extra']), /unexpected argument "extra"/);
  });
});
