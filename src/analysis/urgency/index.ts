export { detectUrgency } from './urgency.ts';
