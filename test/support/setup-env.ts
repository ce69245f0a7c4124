import 'reflect-metadata';

process.env.TZ = 'UTC';
jest.setTimeout(60_000);
