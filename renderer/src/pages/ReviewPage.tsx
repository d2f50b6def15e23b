import { Page, Upcoming } from '../components/Page';

export function ReviewPage({ focusOnMount }: { focusOnMount: boolean }) {
  return (
    <Page title="Review" focusOnMount={focusOnMount}>
      <Upcoming feature="The review queue arrives with transcripts and confidence scores.">
        <p>
          This page will list the few words most likely to be wrong in your transcripts, so you can listen to
          them and correct them with the keyboard.
        </p>
        <p>There is nothing to review yet.</p>
      </Upcoming>
    </Page>
  );
}
