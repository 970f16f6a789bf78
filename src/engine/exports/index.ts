export {
  csvFormulaNote,
  csvFormulaPrefix,
  csvFormulaStarts,
  defuseFormula,
  looksLikeFormula,
} from './csv-formula.js';
export { escapeHtml, htmlCellLimit } from './html-report.js';
export { manifestFormat } from './manifest.js';
export { htmlRecordLimit } from './stage-item.js';
export {
  type ExportPackageInput,
  type ExportTypeRef,
  type ItemProgressInfo,
  type PackageResult,
  writeExportPackage,
} from './write-export-package.js';
