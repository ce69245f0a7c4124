// The file workers' entry (see core/workers/worker-pool.ts): every task a worker thread may run.
import 'reflect-metadata';
import { serveTasks } from '../core/workers/worker-entry';
import { emissionsFileTasks } from '../modules/emissions/excel/tasks';
import { prtrFileTasks } from '../modules/prtr/exports/tasks';

serveTasks({ ...emissionsFileTasks, ...prtrFileTasks });
