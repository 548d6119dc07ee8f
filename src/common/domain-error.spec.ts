import { BusyError } from './busy.error';
import {
  asDomainError,
  BadInputError,
  DomainError,
  ERROR_KINDS,
  kindOf,
  parametersOf,
  sqlStateOf,
  StorageFullError,
} from './domain-error';
import { SourceError } from '../sources/source.error';
import { UnknownIdError } from '../prices/reference-ids.service';
import { RunInProgressError } from '../ingestion/ingestion.service';

describe('errors that carry a kind', () => {
  it('maps each kind to one HTTP status and one exit code', () => {
    expect(
      Object.fromEntries(Object.entries(ERROR_KINDS).map(([k, r]) => [k, [r.status, r.exitCode]])),
    ).toEqual({
      bad_input: [400, 2],
      not_found: [404, 2],
      conflict: [409, 1],
      busy: [503, 2],
      unavailable: [503, 1],
      storage_full: [507, 1],
    });
  });

  it('reads the parameters a message names first', () => {
    expect(parametersOf('from: must not be after to')).toEqual([
      { parameter: 'from', message: 'must not be after to' },
    ]);
    expect(parametersOf('unit, priceType: choose one')).toEqual([
      { parameter: 'unit', message: 'choose one' },
      { parameter: 'priceType', message: 'choose one' },
    ]);
    expect(parametersOf('the database is busy')).toEqual([]);
  });

  it('gives every domain error its kind, and nothing else one', () => {
    expect(kindOf(new UnknownIdError('commodity', ['x'], ['rice']))).toBe('bad_input');
    expect(new UnknownIdError('commodity', ['x'], ['rice']).errors).toEqual([
      { parameter: 'commodity', message: 'unknown id x (known: rice)' },
    ]);
    expect(kindOf(new RunInProgressError('dailynk-ko'))).toBe('conflict');
    expect(kindOf(new BusyError(5, 'full'))).toBe('busy');
    expect(new BusyError(5, 'full').retryAfterSeconds).toBe(5);
    // a publisher that is down is unavailable; a changed layout is the input's fault
    expect(kindOf(new SourceError('timeout', 'slow'))).toBe('unavailable');
    expect(kindOf(new SourceError('layout_changed', 'no table'))).toBe('bad_input');
    expect(kindOf(new SourceError('lease_held', 'taken'))).toBe('conflict');
    expect(kindOf(new BadInputError('x: y'))).toBe('bad_input');
    expect(new BadInputError('x: y')).toBeInstanceOf(DomainError);
    expect(kindOf(new Error('boom'))).toBeUndefined();
  });

  it('knows a full disk however it arrives: 507, exit code 1', () => {
    expect(ERROR_KINDS.storage_full).toEqual({
      status: 507,
      title: 'Insufficient Storage',
      exitCode: 1,
    });
    // Node's file system
    const enospc = Object.assign(new Error('ENOSPC: no space left on device, write'), {
      code: 'ENOSPC',
    });
    expect(kindOf(enospc)).toBe('storage_full');
    expect((asDomainError(enospc) as Error).message).toBe(
      'disk full: ENOSPC: no space left on device, write',
    );
    // PGlite and pg: the SQLSTATE as `code`
    const pg = Object.assign(
      new Error('could not extend file "base/5/16384": No space left on device'),
      {
        code: '53100',
      },
    );
    expect(kindOf(pg)).toBe('storage_full');
    // Prisma over a driver adapter: its own code P2010, the database's in meta and in the message
    const prisma = Object.assign(
      new Error(
        'Invalid `prisma.$executeRawUnsafe()` invocation:\n\nRaw query failed. Code: `53100`. Message: `could not write blocks 4823..4823 in file "base/5/16476": No space left on device`',
      ),
      { code: 'P2010', meta: { code: '53100' } },
    );
    expect(sqlStateOf(prisma)).toBe('53100');
    expect((asDomainError(prisma) as Error).message).toBe(
      'disk full: the database could not write: could not write blocks 4823..4823 in file "base/5/16476": No space left on device',
    );
    expect(sqlStateOf(Object.assign(new Error('x'), { code: 'P2010' }))).toBeUndefined();
    // other database errors keep their own shape
    const unique = Object.assign(new Error('duplicate key'), { code: '23505' });
    expect(asDomainError(unique)).toBe(unique);
    expect(kindOf(unique)).toBeUndefined();
    expect(kindOf(new StorageFullError('disk full: x'))).toBe('storage_full');
  });
});
