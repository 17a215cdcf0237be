// The REST API over real HTTP: Basic auth, status codes and ApiErrors bodies as Finesse answers
// them, 202 for state changes, the requestId header echoed in the Updates, and bad input refused
// without harm to the simulator.
import assert from 'node:assert/strict';
import { FinesseSimulator, RestCall } from '../../../../src/core/simulator/simulator';
import { idleScenario } from '../../../../src/core/simulator/scenario';
import { decodeUpdateText } from '../../../../src/core/finesse/update';

describe('simulator REST API', () => {
  let sim: FinesseSimulator;
  let base: string;
  const calls: RestCall[] = [];
  const updates: { node: string; requestId?: string; state?: string }[] = [];

  const call = async (
    method: string,
    path: string,
    opts: { body?: string; requestId?: string; auth?: string } = {},
  ) => {
    const headers: Record<string, string> = {};
    if (opts.auth !== '') headers.Authorization = `Basic ${Buffer.from(opts.auth ?? 'agent1:pw1').toString('base64')}`;
    if (opts.requestId) headers.requestId = opts.requestId;
    if (opts.body !== undefined) headers['Content-Type'] = 'application/xml';
    const res = await fetch(base + path, { method, headers, body: opts.body });
    return { status: res.status, text: await res.text(), headers: res.headers };
  };

  before(async () => {
    sim = new FinesseSimulator({ users: { agent1: 'pw1', agent2: 'pw2' }, scenario: idleScenario() });
    sim.on('rest', (c) => calls.push(c));
    sim.on('update', (d) => {
      const u = decodeUpdateText(d.updateXml, d.node);
      updates.push({ node: d.node, requestId: u.requestId, state: u.state });
    });
    await sim.listen();
    base = sim.endpoints?.rest as string;
  });
  after(() => sim.close());

  it('answers 401 with an ApiErrors body and a Basic challenge for missing or wrong credentials', async () => {
    for (const auth of ['', 'agent1:wrong', 'nobody:pw1', 'agent2']) {
      const res = await call('GET', 'User/agent1', { auth });
      assert.equal(res.status, 401, auth);
      assert.match(res.headers.get('www-authenticate') ?? '', /^Basic /);
      assert.match(
        res.text,
        /^<ApiErrors><ApiError><ErrorType>Authorization Failure<\/ErrorType><ErrorMessage>UNAUTHORIZED<\/ErrorMessage>/,
      );
      assert.doesNotMatch(res.text, /wrong|pw1/, 'never echoes a password');
    }
  });

  it('GET SystemInfo needs no sign-in and names the XMPP domains', async () => {
    const res = await call('GET', 'SystemInfo', { auth: '' });
    assert.equal(res.status, 200);
    assert.match(
      res.text,
      /<xmppDomain>finesse\.test<\/xmppDomain><xmppPubSubDomain>pubsub\.finesse\.test<\/xmppPubSubDomain>/,
    );
  });

  it('404 ApiErrors for an unknown user or path, 401 for another agent', async () => {
    const unknown = await call('GET', 'User/nobody');
    assert.equal(unknown.status, 404);
    assert.match(unknown.text, /<ErrorType>User Not Found<\/ErrorType>/);
    assert.equal((await call('GET', 'Nothing/here')).status, 404);
    const other = await call('PUT', 'User/agent2', {
      body: '<User><state>LOGIN</state><extension>2</extension></User>',
    });
    assert.equal(other.status, 401);
    assert.match(other.text, /Invalid Authorization User Specified/);
  });

  it('400 with the parser message for a malformed body; 400 Parameter Missing without state', async () => {
    const bad = await call('PUT', 'User/agent1', { body: '<User><state>READY</User>', requestId: 'm1' });
    assert.equal(bad.status, 400);
    assert.match(
      bad.text,
      /<ErrorType>Bad Request<\/ErrorType><ErrorMessage>The request body is invalid: .+<\/ErrorMessage>/,
    );
    const missing = await call('PUT', 'User/agent1', { body: '<User/>' });
    assert.equal(missing.status, 400);
    assert.match(missing.text, /Parameter Missing/);
    assert.equal((await call('PUT', 'User/agent1', { body: 'x'.repeat(70 * 1024) })).status, 413);
    assert.equal((await call('GET', 'User/%E0%A4%A')).status, 400);
    assert.equal((await call('GET', 'User/agent1')).status, 200, 'the simulator is unharmed');
  });

  it('202 for a state change, its Updates echo the requestId header; the call is reported first', async () => {
    const before = updates.length;
    const res = await call('PUT', 'User/agent1', {
      body: '<User><state>LOGIN</state><extension>1001</extension></User>',
      requestId: 'rq-1',
    });
    assert.deepEqual([res.status, res.text], [202, '']);
    assert.deepEqual(calls.at(-1), {
      method: 'PUT',
      path: '/finesse/api/User/agent1',
      status: 202,
      requestId: 'rq-1',
      user: 'agent1',
    });
    const mine = updates.slice(before).filter((u) => u.node === '/finesse/api/User/agent1');
    assert.deepEqual(mine, [
      { node: '/finesse/api/User/agent1', requestId: 'rq-1', state: 'LOGIN' },
      { node: '/finesse/api/User/agent1', requestId: 'rq-1', state: 'NOT_READY' },
    ]);
  });

  it('an invalid transition: 400 Invalid State and an apiErrors Update with the requestId', async () => {
    const res = await call('PUT', 'User/agent1', { body: '<User><state>WORK</state></User>', requestId: 'rq-2' });
    assert.equal(res.status, 400);
    assert.match(
      res.text,
      /^<ApiErrors><ApiError><ErrorType>Invalid State<\/ErrorType><ErrorMessage>Cannot change state to WORK from NOT_READY<\/ErrorMessage>/,
    );
    assert.deepEqual(updates.at(-1), { node: '/finesse/api/User/agent1', requestId: 'rq-2', state: 'Invalid State' });
  });

  it('ReasonCodes, Team, Dialogs and a made call read back as XML', async () => {
    const codes = await call('GET', 'User/agent1/ReasonCodes?category=NOT_READY');
    assert.equal(codes.status, 200);
    assert.match(codes.text, /^<ReasonCodes><ReasonCode><category>NOT_READY<\/category><code>22<\/code>/);
    assert.doesNotMatch(codes.text, /LOGOUT/);
    const team = await call('GET', 'Team/1');
    assert.match(team.text, /^<Team><id>1<\/id>.*<loginId>agent1<\/loginId>.*<loginId>agent2<\/loginId>/);
    assert.equal((await call('GET', 'Team/99')).status, 404);
    const made = await call('POST', 'User/agent1/Dialogs', {
      body: '<Dialog><requestedAction>MAKE_CALL</requestedAction><fromAddress>1001</fromAddress><toAddress>5550000</toAddress><mediaProperties><callvariables><CallVariable><name>callVariable3</name><value>abc</value></CallVariable></callvariables></mediaProperties></Dialog>',
      requestId: 'mk',
    });
    assert.equal(made.status, 202);
    const dialogs = await call('GET', 'User/agent1/Dialogs');
    const id = /<id>(\d+)<\/id>/.exec(dialogs.text)?.[1];
    assert.ok(id, dialogs.text);
    assert.match(dialogs.text, /<name>callVariable3<\/name><value>abc<\/value>/);
    const dialog = await call('GET', `Dialog/${id}`);
    assert.match(dialog.text, /^<Dialog>.*<state>ACTIVE<\/state>/);
    assert.equal(
      (await call('GET', `Dialog/${id}`, { auth: 'agent2:pw2' })).status,
      404,
      "another agent's dialog is not found",
    );
    const bogus = await call('PUT', `Dialog/${id}`, {
      body: '<Dialog><requestedAction>FLY</requestedAction></Dialog>',
    });
    assert.equal(bogus.status, 400);
    assert.equal(
      (
        await call('PUT', `Dialog/${id}`, {
          body: '<Dialog><requestedAction>DROP</requestedAction></Dialog>',
          requestId: 'dr',
        })
      ).status,
      202,
    );
    assert.ok(updates.some((u) => u.requestId === 'dr' && u.state === 'DROPPED'));
  });
});
