import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApp } from '../../src/app.factory';
import { freshDatabase, TestDb } from '../helpers/databases';

// The pair analyses grow with the square of a country's markets: past ANALYSIS_MAX_PAIRS they
// answer a 400 that says how to narrow the request, before any work.
describe('the cost limit on market pairs', () => {
  let db: TestDb;
  let app: INestApplication;
  beforeAll(async () => {
    db = await freshDatabase('pglite', {
      ANALYSIS_MAX_PAIRS: '2',
      LOAD_SAMPLE_TOWERS_ON_EMPTY: 'false',
    });
    app = await createApp(db.config);
  });
  afterAll(async () => {
    await app.close();
    await db.cleanup();
  });

  it.each([
    '/api/analysis/half-lives?commodity=rice',
    '/api/analysis/pair-regression?commodity=rice&bootstrap=0',
    '/api/analysis/network?commodity=rice',
    '/api/analysis/convergence?commodity=rice&bootstrap=0',
  ])('%s with 3 markets (3 pairs) over a limit of 2 is a 400 stating it', async (url) => {
    const res = await request(app.getHttpServer()).get(url).expect(400);
    expect(res.body.message).toBe(
      'markets: 3 markets make 3 market pairs; at most 2 per request (ANALYSIS_MAX_PAIRS): name fewer markets with markets=',
    );
  });

  it('answers when the named markets fit', async () => {
    const res = await request(app.getHttpServer())
      .get('/api/analysis/half-lives?commodity=rice&markets=pyongyang,hyesan')
      .expect(200);
    expect(res.body.periods[0].pairs).toHaveLength(1);
  });
});
