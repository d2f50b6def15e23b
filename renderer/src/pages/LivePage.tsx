import { Page, Upcoming } from '../components/Page';

export function LivePage({ focusOnMount }: { focusOnMount: boolean }) {
  return (
    <Page title="Live" focusOnMount={focusOnMount}>
      <Upcoming feature="Live captions arrive with the live pipeline.">
        <p>
          When recording is added, this page will show what is said on your microphone and in the call as it
          is spoken, with speaker names and words the recognizer is unsure of marked for review.
        </p>
        <p>Nothing is being recorded or transcribed yet.</p>
      </Upcoming>
    </Page>
  );
}
