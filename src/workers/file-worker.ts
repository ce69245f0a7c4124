// The file workers' entry (see core/workers/worker-pool.ts): every task a worker thread may run.
// Loaded on the main thread (a test that imports every source), it serves nothing.
import 'reflect-metadata';
import { isMainThread } from 'node:worker_threads';
import { serveTasks } from '../core/workers/worker-entry';
import { auditFileTasks } from '../modules/audit/tasks';
import { complianceFileTasks } from '../modules/compliance/tasks';
import { emissionsFileTasks } from '../modules/emissions/excel/tasks';
import { ledgerFileTasks } from '../modules/ledger/statement';
import { prtrFileTasks } from '../modules/prtr/exports/tasks';

if (!isMainThread) serveTasks({ ...emissionsFileTasks, ...prtrFileTasks, ...auditFileTasks, ...complianceFileTasks, ...ledgerFileTasks });
