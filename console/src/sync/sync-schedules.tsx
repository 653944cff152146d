// Sync schedules: the list (cron, timezone, next run, last run), create one (name, cron, timezone) and
// delete one. The server validates the cron expression and names it when it is wrong.
import { useCallback, useState, type FormEvent } from 'react';
import { formatTime } from '../lib/format.js';
import { Empty, ErrorNote, TableHead, WriteButton } from '../ui/common.js';
import { useSession } from '../ui/session-context.js';
import { useAction } from '../ui/use-action.js';
import { useLoaded } from './use-loaded.js';

const browserTimezone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

export function SyncSchedules({ onMissing }: { onMissing: () => void }) {
  const { client } = useSession();
  const [form, setForm] = useState({ name: '', cron: '0 6 * * *', timezone: browserTimezone() });
  const { busy, error: actionError, setError: setActionError, run: act } = useAction();

  const read = useCallback(async () => (await client.schedules()).schedules, [client]);
  const { data: schedules, error, load } = useLoaded(read, onMissing);

  const create = (event: FormEvent) => {
    event.preventDefault();
    void act('create', async () => {
      await client.putSchedule(form.name.trim(), { cron: form.cron.trim(), timezone: form.timezone.trim() });
      setForm((previous) => ({ ...previous, name: '' }));
      await load();
    });
  };
  const remove = (name: string) =>
    act(`delete:${name}`, async () => {
      await client.deleteSchedule(name);
      await load();
    });

  return (
    <section className="card" aria-label="Sync schedules">
      <header className="card-head">
        <h2>Schedules</h2>
      </header>
      <ErrorNote error={error} />
      {schedules && schedules.length === 0 && (
        <Empty title="No schedules.">
          <p>Add one below to sync on a cron schedule (for example every day at 6:00).</p>
        </Empty>
      )}
      {schedules && schedules.length > 0 && (
        <table className="table">
          <TableHead columns={['Name', 'Cron', 'Timezone', 'Next run']} actions />
          <tbody>
            {schedules.map((schedule) => (
              <tr key={schedule.name} data-schedule={schedule.name}>
                <td>{schedule.name}</td>
                <td>
                  <code>{schedule.cron}</code>
                </td>
                <td className="small">{schedule.timezone}</td>
                <td className="small">{formatTime(schedule.nextRunAt)}</td>
                <td>
                  <WriteButton
                    variant="danger"
                    onClick={() => void remove(schedule.name)}
                    disabled={busy !== null}
                    aria-label={`Delete schedule ${schedule.name}`}
                  >
                    {busy === `delete:${schedule.name}` ? 'Deleting…' : 'Delete'}
                  </WriteButton>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form className="inline-form schedule-form" onSubmit={create} aria-label="New schedule">
        <label htmlFor="schedule-name">Name</label>
        <input
          id="schedule-name"
          value={form.name}
          onChange={(event) => setForm({ ...form, name: event.target.value })}
          placeholder="e.g. nightly"
          required
        />
        <label htmlFor="schedule-cron">Cron</label>
        <input
          id="schedule-cron"
          value={form.cron}
          onChange={(event) => setForm({ ...form, cron: event.target.value })}
          spellCheck={false}
          required
        />
        <label htmlFor="schedule-timezone">Timezone</label>
        <input
          id="schedule-timezone"
          value={form.timezone}
          onChange={(event) => setForm({ ...form, timezone: event.target.value })}
          spellCheck={false}
        />
        <WriteButton type="submit" variant="primary" disabled={busy !== null || form.name.trim() === ''}>
          {busy === 'create' ? 'Saving…' : 'Add schedule'}
        </WriteButton>
      </form>
      <ErrorNote error={actionError} onDismiss={() => setActionError(null)} />
    </section>
  );
}
