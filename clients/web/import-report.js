// What the dashboard says after a guest-list import. The server imports all
// rows or none, so a refusal must say plainly that nothing was imported
// and list every row to fix (row = the CSV line number, header = 1).

// outcome: {ok: true, value: {imported, created, linked}} or
//          {ok: false, error: ApiError}.
// → {ok, summary, rows: [{row, message}]}
export function importReport(outcome) {
  if (outcome.ok) {
    const { imported = 0, created = 0, linked = 0 } = outcome.value || {};
    const guests = imported === 1 ? 'guest' : 'guests';
    return {
      ok: true,
      summary: `Imported ${imported} ${guests} (${created} new, ${linked} already known).`,
      rows: [],
    };
  }
  const error = outcome.error || {};
  const raw = Array.isArray(error.details?.rows) ? error.details.rows : [];
  const rows = raw
    .map((r) => ({ row: Number(r?.row), message: String(r?.message ?? '') }))
    .sort((a, b) => (a.row || 0) - (b.row || 0));
  if (error.code === 'import_rejected' || rows.length > 0) {
    const problem = rows.length === 1 ? 'row has a problem' : 'rows have problems';
    return {
      ok: false,
      summary: `Nothing was imported: ${rows.length} ${problem}. Fix the file and import it again.`,
      rows,
    };
  }
  return {
    ok: false,
    summary: `Nothing was imported: ${error.message || 'the server refused the file'}.`,
    rows: [],
  };
}
