import { BusyError } from './busy.error';
import { BadInputError, DomainError, ERROR_KINDS, kindOf, parametersOf } from './domain-error';
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
});
