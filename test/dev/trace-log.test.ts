import t from 'tap';
import { TraceLog } from '../../src/dev/trace-log.js';
import type { Workspace } from '../../src/dev/workspace.js';

// Only emit() is used: the page is told which webhook changed.
function workspaceStub(changes: string[]): Workspace {
  return { emit: (change: { id?: string }) => changes.push(change.id ?? '') } as unknown as Workspace;
}

t.test('a store acked after a worker already took the message is still shown first', async (t) => {
  const changes: string[] = [];
  const log = new TraceLog(workspaceStub(changes));
  const delivery = log.started({ id: 'Ev1', type: 'event', bot: 'b', summary: 's', payload: {} });
  log.record({ id: 'Ev1', kind: 'received', at: 2, type: 'event' });
  log.record({ id: 'Ev1', kind: 'stored', at: 3, stream: 'OMNIBOT', seq: 1, duplicate: false });
  log.record({ id: 'Ev1', kind: 'done', at: 4 });
  // Slack's retry, found already stored, comes where it came.
  log.record({ id: 'Ev1', kind: 'stored', at: 5, stream: 'OMNIBOT', seq: 1, duplicate: true });
  t.same(delivery.steps.map((step) => `${step.kind}${step.duplicate ? ' again' : ''}`), ['stored', 'received', 'done', 'stored again']);
  log.record({ id: 'EvOther', kind: 'stored', at: 6 });
  t.equal(log.get('EvOther'), undefined, "someone else's webhook is not kept");
  t.same(changes, ['Ev1', 'Ev1', 'Ev1', 'Ev1', 'Ev1'], 'the page is told of each change');
});
