import { Page, Upcoming } from '../components/Page';

export function ArchivePage({ focusOnMount }: { focusOnMount: boolean }) {
  return (
    <Page title="Archive" focusOnMount={focusOnMount}>
      <Upcoming feature="Past meetings and search arrive with the meeting archive.">
        <p>
          Once meetings are recorded, they will be kept on this computer and listed here, with full-text
          search across everything that was said.
        </p>
        <p>There are no meetings yet.</p>
      </Upcoming>
    </Page>
  );
}
