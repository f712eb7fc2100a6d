//! Certificates the association issued before the platform existed, brought
//! in by staff from a CSV file, so that they can be verified (R21) and their
//! holders are recognised as returning learners (R12).
//!
//! A file is judged in two steps. The file as a whole: UTF-8 (it arrives in
//! a JSON string), a header row naming known columns, at most
//! [`MAX_IMPORT_ROWS`] rows; a file that fails here is refused whole
//! ([`ImportFileError`]). Then each row on its own ([`RowRejection`]): a row
//! that breaks a rule is reported by its line number and column and the
//! others go ahead. Neither kind of refusal repeats what the file says: a
//! cell may hold an ID number or a name.

use std::borrow::Cow;
use std::ops::RangeInclusive;

use jiff::civil::Date;

use crate::certificate::CertificateData;
use crate::identity::{IdNumber, PersonName};
use crate::learner::{
    DocumentNumber, HolderCertificateKind, HolderDetails, LearnerKind, NewLearnerDetails,
    ShortText, TitleDetails,
};
use crate::rejection::{Rejection, display_as_rejection};
use crate::requirement::CYCLE_HOURS;

/// Rows in one file at most. Each row is one store transaction, written one
/// after another: 2,000 keep a file within one Lambda invocation and one
/// HTTP request (about 300 KB of CSV); a larger register is sent in parts.
pub const MAX_IMPORT_ROWS: usize = 2_000;

/// Certificate numbers, the platform's and the association's older ones:
/// upper-case letters, digits and `-`. Older numbers can be short; the
/// platform's own ([`crate::certificate::certificate_number`]) are 21
/// characters with a 60-bit random part.
pub const CERTIFICATE_NUMBER_LENGTH: RangeInclusive<usize> = 4..=40;

/// The prefix of the numbers the platform mints: an imported number may not
/// start with it, so that a number that looks like the platform's always
/// carries the platform's unguessable random part.
const PLATFORM_PREFIX: &str = "TIC-";

/// Whether `text` has the shape of a certificate number (the store's
/// `CertificateNo` holds to the same rule).
pub fn is_certificate_number(text: &str) -> bool {
    CERTIFICATE_NUMBER_LENGTH.contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase() || b == b'-')
}

/// A column of the import file: its header name and the Chinese headers
/// staff may use instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Name,
    IdNumber,
    Category,
    CertificateKind,
    OriginalCertificateNo,
    LearningStartedOn,
    TitleKind,
    IssuingAuthority,
    TitleCertificateNo,
    CertificateNo,
    CycleStart,
    CycleEnd,
    Hours,
    IssuedOn,
    ValidUntil,
    Status,
}

impl Column {
    pub const ALL: [Self; 16] = [
        Self::Name,
        Self::IdNumber,
        Self::Category,
        Self::CertificateKind,
        Self::OriginalCertificateNo,
        Self::LearningStartedOn,
        Self::TitleKind,
        Self::IssuingAuthority,
        Self::TitleCertificateNo,
        Self::CertificateNo,
        Self::CycleStart,
        Self::CycleEnd,
        Self::Hours,
        Self::IssuedOn,
        Self::ValidUntil,
        Self::Status,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::IdNumber => "id_number",
            Self::Category => "category",
            Self::CertificateKind => "certificate_kind",
            Self::OriginalCertificateNo => "original_certificate_no",
            Self::LearningStartedOn => "learning_started_on",
            Self::TitleKind => "title_kind",
            Self::IssuingAuthority => "issuing_authority",
            Self::TitleCertificateNo => "title_certificate_no",
            Self::CertificateNo => "certificate_no",
            Self::CycleStart => "cycle_start",
            Self::CycleEnd => "cycle_end",
            Self::Hours => "hours",
            Self::IssuedOn => "issued_on",
            Self::ValidUntil => "valid_until",
            Self::Status => "status",
        }
    }

    /// The association's registers are kept in Chinese spreadsheets.
    fn chinese(self) -> &'static str {
        match self {
            Self::Name => "姓名",
            Self::IdNumber => "身份证号码",
            Self::Category => "学员类别",
            Self::CertificateKind => "证书类别",
            Self::OriginalCertificateNo => "原证书编号",
            Self::LearningStartedOn => "开始学习日期",
            Self::TitleKind => "职称类别",
            Self::IssuingAuthority => "颁证机关",
            Self::TitleCertificateNo => "职称证书编号",
            Self::CertificateNo => "证书编号",
            Self::CycleStart => "周期开始",
            Self::CycleEnd => "周期结束",
            Self::Hours => "学时",
            Self::IssuedOn => "发证日期",
            Self::ValidUntil => "有效期至",
            Self::Status => "状态",
        }
    }

    fn from_header(header: &str) -> Option<Self> {
        let header = header.trim().trim_start_matches('\u{feff}').trim();
        Self::ALL
            .into_iter()
            .find(|column| header.eq_ignore_ascii_case(column.name()) || header == column.chinese())
    }

    /// Every row needs these; the others belong to one category, or are optional.
    fn required(self) -> bool {
        matches!(
            self,
            Self::Name
                | Self::IdNumber
                | Self::Category
                | Self::CertificateNo
                | Self::CycleStart
                | Self::CycleEnd
                | Self::Hours
                | Self::IssuedOn
                | Self::ValidUntil
        )
    }
}

/// One certificate from the association's register, every field checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriorCertificate {
    /// Whose it is: turned into the account key at once, never stored as such.
    pub id_number: IdNumber,
    /// What it states, hashed like a certificate the platform issues.
    pub data: CertificateData,
    /// Revoked by the association before the platform existed.
    pub revoked: bool,
}

/// A row of the file: its line (the header is line 1) and what it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRow {
    pub line: u64,
    pub certificate: Result<PriorCertificate, RowRejection>,
}

/// A file that can be imported: every row judged, in the file's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportFile {
    pub rows: Vec<ImportRow>,
}

impl ImportFile {
    /// Reads `csv` (header row first) and judges each row as of `today`.
    pub fn parse(csv: &str, today: Date) -> Result<Self, ImportFileError> {
        let csv = csv.trim_start_matches('\u{feff}');
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .from_reader(csv.as_bytes());
        let headers = reader
            .headers()
            .map_err(|_| ImportFileError::Unreadable { line: 1 })?
            .clone();
        let columns = Columns::of(&headers)?;
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|error| ImportFileError::Unreadable {
                line: error.position().map_or(0, csv::Position::line),
            })?;
            if rows.len() == MAX_IMPORT_ROWS {
                return Err(ImportFileError::TooManyRows);
            }
            let line = record.position().map_or(0, csv::Position::line);
            let certificate = if record.len() == headers.len() {
                columns.row(&record).judge(today)
            } else {
                Err(RowRejection::of(None, &RowIssue::FieldCount))
            };
            rows.push(ImportRow { line, certificate });
        }
        if rows.is_empty() {
            return Err(ImportFileError::NoRows);
        }
        Ok(Self { rows })
    }
}

/// Where each known column is in the file.
struct Columns([Option<usize>; Column::ALL.len()]);

impl Columns {
    fn of(headers: &csv::StringRecord) -> Result<Self, ImportFileError> {
        if headers.iter().all(|header| header.trim().is_empty()) {
            return Err(ImportFileError::NoHeader);
        }
        let mut found = [None; Column::ALL.len()];
        for (index, header) in headers.iter().enumerate() {
            // Position, not the header's text: a file without its header row
            // has a person's data here.
            let position = index + 1;
            let column =
                Column::from_header(header).ok_or(ImportFileError::UnknownColumn { position })?;
            let slot = &mut found[column as usize];
            if slot.is_some() {
                return Err(ImportFileError::DuplicateColumn { position });
            }
            *slot = Some(index);
        }
        if let Some(missing) = Column::ALL
            .into_iter()
            .find(|column| column.required() && found[*column as usize].is_none())
        {
            return Err(ImportFileError::MissingColumn {
                column: missing.name(),
            });
        }
        Ok(Self(found))
    }

    fn row<'r>(&self, record: &'r csv::StringRecord) -> Row<'r> {
        Row {
            cells: std::array::from_fn(|at| {
                self.0[at]
                    .and_then(|index| record.get(index))
                    .map(str::trim)
                    .unwrap_or_default()
            }),
        }
    }
}

/// One row's cells by column; an absent column reads as an empty cell.
struct Row<'r> {
    cells: [&'r str; Column::ALL.len()],
}

type Judged<T> = Result<T, RowRejection>;

impl Row<'_> {
    fn cell(&self, column: Column) -> &str {
        self.cells[column as usize]
    }

    /// The cell's value, refused as `text.empty` when blank.
    fn required(&self, column: Column) -> Judged<&str> {
        match self.cell(column) {
            "" => Err(RowRejection::of(Some(column), &RowIssue::Missing)),
            text => Ok(text),
        }
    }

    fn parsed<T, E: Rejection>(
        &self,
        column: Column,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Judged<T> {
        parse(self.required(column)?).map_err(|error| RowRejection::of(Some(column), &error))
    }

    fn date(&self, column: Column) -> Judged<Date> {
        self.parsed(column, |text| {
            text.parse::<Date>().map_err(|_| RowIssue::Date)
        })
    }

    /// Checks in the order of the columns, so the first mistake on a line is
    /// the one reported.
    fn judge(&self, today: Date) -> Judged<PriorCertificate> {
        let name = self.parsed(Column::Name, PersonName::parse)?;
        let id_number = self.parsed(Column::IdNumber, |text| IdNumber::parse(text, today))?;
        let kind = self.kind()?;
        let no = self.parsed(Column::CertificateNo, certificate_number)?;
        let cycle_start = self.date(Column::CycleStart)?;
        let cycle_end = self.date(Column::CycleEnd)?;
        let hours = self.parsed(Column::Hours, |text| {
            text.parse::<u32>()
                .ok()
                .filter(|hours| (1..=CYCLE_HOURS).contains(hours))
                .ok_or(RowIssue::Hours)
        })?;
        let issued_on = self.date(Column::IssuedOn)?;
        let valid_until = self.date(Column::ValidUntil)?;
        let revoked = match self.cell(Column::Status) {
            "" | "valid" | "有效" => false,
            "revoked" | "已撤销" => true,
            _ => return Err(RowRejection::of(Some(Column::Status), &RowIssue::Status)),
        };
        let issue = |column, issue| Err(RowRejection::of(Some(column), &issue));
        if cycle_start >= cycle_end {
            return issue(Column::CycleEnd, RowIssue::CycleOrder);
        }
        if valid_until < cycle_end {
            return issue(Column::ValidUntil, RowIssue::ValidUntilBeforeCycleEnd);
        }
        if issued_on < cycle_start {
            return issue(Column::IssuedOn, RowIssue::IssuedBeforeCycle);
        }
        if issued_on > today {
            return issue(Column::IssuedOn, RowIssue::IssuedInFuture);
        }
        let kind = match kind {
            Kind::Holder(kind, original) => LearnerKind::Holder(HolderDetails {
                certificate_kind: kind,
                original_certificate_no: original,
                // The imported certificate is itself the continuing-education
                // certificate a holder renews next: its expiry is this one's.
                expires_on: valid_until,
            }),
            Kind::New(started) if started > issued_on => {
                return issue(Column::LearningStartedOn, RowIssue::StartedAfterIssue);
            }
            Kind::New(started) => LearnerKind::New(NewLearnerDetails {
                learning_started_on: started,
            }),
            Kind::Titled(details) => LearnerKind::Titled(details),
        };
        Ok(PriorCertificate {
            id_number,
            data: CertificateData {
                no,
                name,
                kind,
                cycle_start,
                cycle_end,
                hours,
                issued_on,
                valid_until,
            },
            revoked,
        })
    }

    /// The category and the details its certificate shows (R18); a cell of
    /// another category's column must be empty, or the category is likely wrong.
    fn kind(&self) -> Judged<Kind> {
        let category = self.parsed(Column::Category, |text| match text {
            "holder" | "持证人员" => Ok(Category::Holder),
            "new" | "新入行及其他" => Ok(Category::New),
            "titled" | "职称" | "职称人员" => Ok(Category::Titled),
            _ => Err(RowIssue::Category),
        })?;
        let own: &[Column] = match category {
            Category::Holder => &[Column::CertificateKind, Column::OriginalCertificateNo],
            Category::New => &[Column::LearningStartedOn],
            Category::Titled => &[
                Column::TitleKind,
                Column::IssuingAuthority,
                Column::TitleCertificateNo,
            ],
        };
        let others = [
            Column::CertificateKind,
            Column::OriginalCertificateNo,
            Column::LearningStartedOn,
            Column::TitleKind,
            Column::IssuingAuthority,
            Column::TitleCertificateNo,
        ];
        if let Some(stray) = others
            .into_iter()
            .find(|column| !own.contains(column) && !self.cell(*column).is_empty())
        {
            return Err(RowRejection::of(Some(stray), &RowIssue::NotForCategory));
        }
        Ok(match category {
            Category::Holder => Kind::Holder(
                self.parsed(Column::CertificateKind, |text| match text {
                    "level_examination" | "水平考试合格证" => {
                        Ok(HolderCertificateKind::LevelExamination)
                    }
                    "qualification" | "资格证" => Ok(HolderCertificateKind::Qualification),
                    _ => Err(RowIssue::CertificateKind),
                })?,
                self.parsed(Column::OriginalCertificateNo, DocumentNumber::parse)?,
            ),
            Category::New => Kind::New(self.date(Column::LearningStartedOn)?),
            Category::Titled => Kind::Titled(TitleDetails {
                title_kind: self.parsed(Column::TitleKind, ShortText::parse)?,
                issuing_authority: self.parsed(Column::IssuingAuthority, ShortText::parse)?,
                title_certificate_no: self
                    .parsed(Column::TitleCertificateNo, DocumentNumber::parse)?,
            }),
        })
    }
}

enum Category {
    Holder,
    New,
    Titled,
}

enum Kind {
    Holder(HolderCertificateKind, DocumentNumber),
    New(Date),
    Titled(TitleDetails),
}

/// An imported number, upper-cased; never one of the platform's own.
fn certificate_number(text: &str) -> Result<String, RowIssue> {
    let number = text.to_ascii_uppercase();
    if !is_certificate_number(&number) {
        Err(RowIssue::CertificateNumber)
    } else if number.starts_with(PLATFORM_PREFIX) {
        Err(RowIssue::PlatformNumber)
    } else {
        Ok(number)
    }
}

/// What is wrong with a row, beyond what a field's own type refuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RowIssue {
    Missing,
    FieldCount,
    Category,
    CertificateKind,
    NotForCategory,
    CertificateNumber,
    PlatformNumber,
    Date,
    Hours,
    Status,
    CycleOrder,
    ValidUntilBeforeCycleEnd,
    IssuedBeforeCycle,
    IssuedInFuture,
    StartedAfterIssue,
    /// The store holds another certificate under this number (found when
    /// writing, not when reading the file).
    NumberTaken,
}

display_as_rejection!(RowIssue);

impl Rejection for RowIssue {
    fn code(&self) -> &'static str {
        match self {
            Self::Missing => "text.empty",
            Self::FieldCount => "import.field_count",
            Self::Category => "import.category",
            Self::CertificateKind => "import.certificate_kind",
            Self::NotForCategory => "import.field_not_for_category",
            Self::CertificateNumber => "import.certificate_number",
            Self::PlatformNumber => "import.platform_number",
            Self::Date => "date.invalid",
            Self::Hours => "import.hours",
            Self::Status => "import.status",
            Self::CycleOrder => "import.cycle_dates",
            Self::ValidUntilBeforeCycleEnd => "import.valid_until",
            Self::IssuedBeforeCycle => "import.issued_before_cycle",
            Self::IssuedInFuture => "import.issued_in_future",
            Self::StartedAfterIssue => "import.learning_started_on",
            Self::NumberTaken => "import.certificate_number_taken",
        }
    }

    fn message_zh(&self) -> Cow<'static, str> {
        match self {
            Self::Missing => "此项不能为空。".into(),
            Self::FieldCount => "该行的列数与表头不一致。".into(),
            Self::Category => {
                "学员类别应为 holder、new 或 titled（持证人员、新入行及其他、职称）。".into()
            }
            Self::CertificateKind => {
                "证书类别应为 level_examination 或 qualification（水平考试合格证、资格证）。".into()
            }
            Self::NotForCategory => "此列不属于该行的学员类别，应留空；请核对学员类别。".into(),
            Self::CertificateNumber => format!(
                "证书编号应为 {}–{} 位大写字母、数字或 -。",
                CERTIFICATE_NUMBER_LENGTH.start(),
                CERTIFICATE_NUMBER_LENGTH.end()
            )
            .into(),
            Self::PlatformNumber => "以 TIC- 开头的编号由本平台签发，不能导入。".into(),
            Self::Date => "日期格式应为 YYYY-MM-DD。".into(),
            Self::Hours => format!("学时应为 1–{CYCLE_HOURS} 的整数。").into(),
            Self::Status => "状态应为 valid 或 revoked（有效、已撤销），或留空表示有效。".into(),
            Self::CycleOrder => "周期结束日期应晚于周期开始日期。".into(),
            Self::ValidUntilBeforeCycleEnd => "有效期不能早于周期结束日期。".into(),
            Self::IssuedBeforeCycle => "发证日期不能早于周期开始日期。".into(),
            Self::IssuedInFuture => "发证日期不能晚于今天。".into(),
            Self::StartedAfterIssue => "开始学习日期不能晚于发证日期。".into(),
            Self::NumberTaken => {
                "该证书编号已有另一份内容不同的证书，未覆盖；请核对后再导入。".into()
            }
        }
    }

    fn message_en(&self) -> Cow<'static, str> {
        match self {
            Self::Missing => "This field is required.".into(),
            Self::FieldCount => "This line has a different number of fields than the header.".into(),
            Self::Category => "The category is holder, new or titled.".into(),
            Self::CertificateKind => "The certificate kind is level_examination or qualification.".into(),
            Self::NotForCategory => "This column does not belong to the line's category and must be empty; check the category.".into(),
            Self::CertificateNumber => format!(
                "A certificate number has {}–{} upper-case letters, digits or -.",
                CERTIFICATE_NUMBER_LENGTH.start(),
                CERTIFICATE_NUMBER_LENGTH.end()
            )
            .into(),
            Self::PlatformNumber => "Numbers starting with TIC- are the platform's own and cannot be imported.".into(),
            Self::Date => "Dates are written YYYY-MM-DD.".into(),
            Self::Hours => format!("Hours are a whole number from 1 to {CYCLE_HOURS}.").into(),
            Self::Status => "The status is valid or revoked, or empty for valid.".into(),
            Self::CycleOrder => "The cycle must end after it starts.".into(),
            Self::ValidUntilBeforeCycleEnd => "The certificate cannot expire before its cycle ends.".into(),
            Self::IssuedBeforeCycle => "The certificate cannot be issued before its cycle starts.".into(),
            Self::IssuedInFuture => "The issue date cannot be later than today.".into(),
            Self::StartedAfterIssue => "Learning cannot start after the certificate was issued.".into(),
            Self::NumberTaken => "Another certificate with different data has this number; it was not overwritten. Check the line and import it again.".into(),
        }
    }
}

/// Why one row was not imported: the column at fault (when one is), with the
/// refusal of the rule it broke. It names the column, never the cell.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct RowRejection {
    pub column: Option<Column>,
    code: &'static str,
    message_zh: Cow<'static, str>,
    message_en: Cow<'static, str>,
}

impl RowRejection {
    pub fn of(column: Option<Column>, rejection: &impl Rejection) -> Self {
        let (zh, en) = (rejection.message_zh(), rejection.message_en());
        let (message_zh, message_en) = match column {
            Some(column) => (
                format!("{}（{}）：{zh}", column.chinese(), column.name()).into(),
                format!("{}: {en}", column.name()).into(),
            ),
            None => (zh, en),
        };
        Self {
            column,
            code: rejection.code(),
            message_zh,
            message_en,
        }
    }
}

display_as_rejection!(RowRejection);

impl Rejection for RowRejection {
    fn code(&self) -> &'static str {
        self.code
    }

    fn message_zh(&self) -> Cow<'static, str> {
        self.message_zh.clone()
    }

    fn message_en(&self) -> Cow<'static, str> {
        self.message_en.clone()
    }
}

/// Why a file cannot be imported at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ImportFileError {
    NoHeader,
    /// The header at this position (from 1) names no known column.
    UnknownColumn {
        position: usize,
    },
    DuplicateColumn {
        position: usize,
    },
    MissingColumn {
        column: &'static str,
    },
    NoRows,
    TooManyRows,
    /// Not CSV the reader can follow (e.g. an unclosed quote), from this line.
    Unreadable {
        line: u64,
    },
}

display_as_rejection!(ImportFileError);

impl Rejection for ImportFileError {
    fn code(&self) -> &'static str {
        match self {
            Self::NoHeader => "import.no_header",
            Self::UnknownColumn { .. } => "import.unknown_column",
            Self::DuplicateColumn { .. } => "import.duplicate_column",
            Self::MissingColumn { .. } => "import.missing_column",
            Self::NoRows => "import.no_rows",
            Self::TooManyRows => "import.too_many_rows",
            Self::Unreadable { .. } => "import.unreadable",
        }
    }

    fn message_zh(&self) -> Cow<'static, str> {
        let known = || Column::ALL.map(Column::name).join(", ");
        match self {
            Self::NoHeader => format!("文件第一行应为表头：{}。", known()).into(),
            Self::UnknownColumn { position } => format!(
                "表头第 {position} 列不是已知的列名（第一行应为表头：{}）。",
                known()
            )
            .into(),
            Self::DuplicateColumn { position } => {
                format!("表头第 {position} 列与前面的列重复。").into()
            }
            Self::MissingColumn { column } => format!("缺少必需的列：{column}。").into(),
            Self::NoRows => "文件只有表头，没有数据行。".into(),
            Self::TooManyRows => {
                format!("一次最多导入 {MAX_IMPORT_ROWS} 行（一次请求的处理上限），请分成多个文件。")
                    .into()
            }
            Self::Unreadable { line } => {
                format!("第 {line} 行起不是有效的 CSV（例如引号未闭合）。").into()
            }
        }
    }

    fn message_en(&self) -> Cow<'static, str> {
        let known = || Column::ALL.map(Column::name).join(", ");
        match self {
            Self::NoHeader => format!("The first line must be the header: {}.", known()).into(),
            Self::UnknownColumn { position } => format!(
                "Header column {position} is not a known column (the first line must be the header: {}).",
                known()
            )
            .into(),
            Self::DuplicateColumn { position } => {
                format!("Header column {position} repeats an earlier column.").into()
            }
            Self::MissingColumn { column } => format!("The required column {column} is missing.").into(),
            Self::NoRows => "The file has a header and no rows.".into(),
            Self::TooManyRows => format!(
                "At most {MAX_IMPORT_ROWS} rows per import (what one request can process); split the file."
            )
            .into(),
            Self::Unreadable { line } => {
                format!("From line {line} on this is not valid CSV (e.g. an unclosed quote).").into()
            }
        }
    }
}

#[cfg(test)]
mod tests;
