export { guessSubjects, type SubjectsGuess } from './guess-subjects.js';
export { type ScanOptions, scanDatabase } from './scan-database.js';
