import { RoomWriteError } from '../../../services/room/room-write.ts';
import { fieldProblem, Problem } from '../../problem.ts';

/** Maps a refused room write onto its problem response; rethrows anything else. */
export function roomWriteProblem(error: unknown): never {
  if (error instanceof RoomWriteError) {
    switch (error.problem) {
      case 'notFound':
        throw new Problem('not-found');
      case 'forbidden':
        throw new Problem('forbidden');
      case 'kudosSelf':
      case 'kudosUnknownRecipient':
        throw fieldProblem(error.field ?? 'toUserId', error.problem);
      case 'roomNotOpen':
      case 'roomNotPublished':
      case 'questionNotOpen':
      case 'questionConverted':
      case 'ownQuestion':
      case 'tooManyQuestions':
        throw new Problem('conflict', { detail: error.problem });
    }
  }
  throw error;
}
