// The broker's route table (broker/routes.ts): what matches, 405 on a known path, a 404 that lists the table.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { findRoute } from '../../server/src/broker/routes';
import { BrokerError } from '../../server/src/broker/errors';

function refusal(method: string, path: string): BrokerError {
  try {
    findRoute(method, path);
  } catch (e) {
    assert.ok(e instanceof BrokerError);
    return e;
  }
  assert.fail(`${method} ${path} matched a route`);
}

describe('broker routes', () => {
  it('matches each route and hands over the path\'s parts', () => {
    assert.deepEqual(findRoute('GET', '/v1/health').params, []);
    assert.deepEqual(findRoute('POST', '/v1/credentials/find').params, []);
    assert.deepEqual(findRoute('POST', '/v1/leases/abc-123/checkin').params, ['abc-123']);
    assert.deepEqual(findRoute('POST', '/v1/ecms/ecm-01/connect').params, ['ecm-01', 'connect']);
    assert.deepEqual(findRoute('POST', '/v1/ecms/ecm-01/disconnect').params, ['ecm-01', 'disconnect']);
  });

  it('answers a known path with another method with 405, naming the method to use', () => {
    const e = refusal('GET', '/v1/credentials/find');
    assert.equal(e.status, 405);
    assert.equal(e.message, 'Use POST for /v1/credentials/find.');
    assert.equal(refusal('DELETE', '/v1/leases/x/checkin').status, 405);
  });

  it('answers anything else with 404 and the list of routes', () => {
    for (const path of ['/v1/nope', '/v1/ecms/ecm-01/reboot', '/v1/leases/a/b/checkin', '/v1/health/', '/V1/health']) {
      const e = refusal('GET', path);
      assert.equal(e.status, 404, path);
    }
    assert.equal(refusal('GET', '/v1/nope').message,
      'No route GET /v1/nope. Routes: GET /v1/health, POST /v1/credentials/find, POST /v1/credentials/checkout, POST /v1/leases/{id}/checkin, GET /v1/leases, GET /v1/ecms, POST /v1/ecms/{name}/connect|disconnect.');
  });

  it('takes the path literally: a dot or other pattern characters are not wildcards', () => {
    assert.equal(refusal('GET', '/v1xhealth').status, 404);
    assert.equal(refusal('POST', '/v1/ecms/a/connectXdisconnect').status, 404);
  });
});
