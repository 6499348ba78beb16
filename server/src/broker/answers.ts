/** The broker's answers to find and check-out (FORMATS.md §4), before they are written as JSON. */
import type { TraceStep } from '../engine/injection';

export interface BrokerCredential { id: string; name: string; username: string; type: string; available: boolean }

export interface FindResult { credentials: BrokerCredential[]; trace: TraceStep[]; ecm: string; runAs?: string }

export interface CheckoutResult { leaseId: string; username: string; password: string; expiresAt: string }
