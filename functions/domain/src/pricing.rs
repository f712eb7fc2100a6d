//! What a cart costs (R11, R12), in integer fen.

use std::borrow::Cow;
use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::catalogue::{Bilingual, BundleId, Catalogue, CourseGroup, CourseId, HourId};
use crate::learner::LearnerCategory;
use crate::money::Fen;
use crate::rejection::{Rejection, display_as_rejection};
use crate::settings::YearSettings;

/// What a learner can put in a cart.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum CartItem {
    /// Every hour of a course, of any group.
    Course(CourseId),
    /// One class hour.
    Hour(HourId),
    /// A certification bundle (R4): 30 hours for holders, 40 for new learners.
    Bundle(BundleId),
}

/// Who is buying: the category decides which bundle they may take, and
/// `returning` whether R12's discount applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Buyer {
    pub category: LearnerCategory,
    /// Took part in an earlier renewal (R12). Only holders renew, so only they can be.
    pub returning: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuoteLine {
    pub item: CartItem,
    /// The class hours this line buys.
    pub hours: Vec<HourId>,
    /// Hours × price per hour.
    pub gross: Fen,
    /// R12: the returning learner's free mandatory hours.
    pub discount: Fen,
    pub net: Fen,
}

/// The price of a cart, line by line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Quote {
    pub price_per_hour: Fen,
    pub lines: Vec<QuoteLine>,
    pub gross: Fen,
    pub discount: Fen,
    pub total: Fen,
}

impl Quote {
    /// Every hour the cart buys, for the enrollment that payment creates.
    pub fn hours(&self) -> impl Iterator<Item = &HourId> {
        self.lines.iter().flat_map(|line| line.hours.iter())
    }
}

/// A cart is at most this many items: a whole cycle is 40 hours.
pub const MAX_CART_ITEMS: usize = 100;

/// Prices a cart for `buyer` at this year's rate (R11: 15 CNY per hour in
/// 2023), with R12's discount: a returning holder pays nothing for mandatory
/// hours. Refuses anything that could not be learned or would be paid twice:
/// unknown ids, a bundle meant for another kind of learner, the same hour
/// twice, an hour already `owned`. Certification courses come in bundles
/// (R4) and also one by one, so that every mix of elective and
/// certification hours R8 and R9 allow can be bought.
pub fn quote(
    catalogue: &Catalogue,
    settings: &YearSettings,
    buyer: Buyer,
    items: &[CartItem],
    owned: &BTreeSet<HourId>,
) -> Result<Quote, PricingError> {
    if items.is_empty() {
        return Err(PricingError::EmptyCart);
    }
    if items.len() > MAX_CART_ITEMS {
        return Err(PricingError::TooManyItems);
    }
    let free_mandatory = settings.returning_learner_free_mandatory
        && buyer.returning
        && buyer.category == LearnerCategory::Holder;
    let mut in_cart = BTreeSet::new();
    let mut lines = Vec::with_capacity(items.len());
    for item in items {
        let (hours, group) = hours_of(catalogue, buyer, item)?;
        for hour in &hours {
            let course = || {
                catalogue
                    .course(hour.course())
                    .map(|course| course.title.clone())
                    .unwrap_or_else(|| Bilingual {
                        zh: hour.course().to_string(),
                        en: hour.course().to_string(),
                    })
            };
            if owned.contains(hour) {
                return Err(PricingError::AlreadyOwned {
                    hour: hour.clone(),
                    course: course(),
                });
            }
            if !in_cart.insert(hour.clone()) {
                return Err(PricingError::InCartTwice {
                    hour: hour.clone(),
                    course: course(),
                });
            }
        }
        let count = hours.len() as u64;
        let gross = settings
            .price_per_hour
            .checked_mul(count)
            .ok_or(PricingError::TooManyItems)?;
        let discount = if free_mandatory && group == CourseGroup::Mandatory {
            gross
        } else {
            Fen::ZERO
        };
        lines.push(QuoteLine {
            item: item.clone(),
            hours,
            gross,
            discount,
            net: gross - discount,
        });
    }
    let gross = lines.iter().map(|line| line.gross).sum();
    let discount = lines.iter().map(|line| line.discount).sum();
    let total = lines.iter().map(|line| line.net).sum();
    Ok(Quote {
        price_per_hour: settings.price_per_hour,
        lines,
        gross,
        discount,
        total,
    })
}

fn hours_of(
    catalogue: &Catalogue,
    buyer: Buyer,
    item: &CartItem,
) -> Result<(Vec<HourId>, CourseGroup), PricingError> {
    match item {
        CartItem::Course(id) => {
            let course = catalogue
                .course(id)
                .ok_or(PricingError::UnknownItem { item: item.clone() })?;
            Ok((
                course
                    .lessons
                    .iter()
                    .map(|lesson| lesson.id.clone())
                    .collect(),
                course.group,
            ))
        }
        CartItem::Hour(id) => {
            let (course, lesson) = catalogue
                .lesson(id)
                .ok_or(PricingError::UnknownItem { item: item.clone() })?;
            Ok((vec![lesson.id.clone()], course.group))
        }
        CartItem::Bundle(id) => {
            let bundle = catalogue
                .bundle(id)
                .ok_or(PricingError::UnknownItem { item: item.clone() })?;
            if !bundle.audience.admits(buyer.category) {
                return Err(PricingError::BundleNotForBuyer);
            }
            Ok((catalogue.bundle_hours(bundle), CourseGroup::Certification))
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PricingError {
    EmptyCart,
    TooManyItems,
    UnknownItem {
        item: CartItem,
    },
    BundleNotForBuyer,
    /// `course` is the hour's course title, for the message a person reads.
    InCartTwice {
        hour: HourId,
        course: Bilingual,
    },
    AlreadyOwned {
        hour: HourId,
        course: Bilingual,
    },
}

display_as_rejection!(PricingError);

impl Rejection for PricingError {
    fn code(&self) -> &'static str {
        match self {
            Self::EmptyCart => "cart.empty",
            Self::TooManyItems => "cart.too_many_items",
            Self::UnknownItem { .. } => "cart.unknown_item",
            Self::BundleNotForBuyer => "cart.bundle_not_for_buyer",
            Self::InCartTwice { .. } => "cart.hour_twice",
            Self::AlreadyOwned { .. } => "cart.already_owned",
        }
    }

    fn message_zh(&self) -> Cow<'static, str> {
        match self {
            Self::EmptyCart => "购物车是空的，请先选择课程。".into(),
            Self::TooManyItems => format!("一次最多购买 {MAX_CART_ITEMS} 项。").into(),
            Self::UnknownItem { item } => format!("课程目录中没有“{}”。", item_label(item)).into(),
            Self::BundleNotForBuyer => {
                "该认证课程包不适用于您的学员类别（持证人员选 30 学时包，新学员选 40 学时包）。"
                    .into()
            }
            Self::InCartTwice { hour, course } => format!(
                "《{}》第 {} 学时在购物车中出现了两次（可能已随整门课程或课程包加入），请删去其中一项。",
                course.zh,
                hour.number()
            )
            .into(),
            Self::AlreadyOwned { hour, course } => format!(
                "您在本周期已购买过《{}》第 {} 学时，无需重复购买：请从购物车中删去它。",
                course.zh,
                hour.number()
            )
            .into(),
        }
    }

    fn message_en(&self) -> Cow<'static, str> {
        match self {
            Self::EmptyCart => "The cart is empty; choose courses first.".into(),
            Self::TooManyItems => format!("At most {MAX_CART_ITEMS} items per purchase.").into(),
            Self::UnknownItem { item } => format!("\"{}\" is not in the catalogue.", item_label(item)).into(),
            Self::BundleNotForBuyer => "This certification bundle is for another kind of learner (holders take the 30-hour bundle, new learners the 40-hour one).".into(),
            Self::InCartTwice { hour, course } => format!(
                "Hour {} of \u{201c}{}\u{201d} is in the cart twice (perhaps with its whole course or a bundle); remove one.",
                hour.number(),
                course.en
            )
            .into(),
            Self::AlreadyOwned { hour, course } => format!(
                "You already bought hour {} of \u{201c}{}\u{201d} in this cycle; remove it from the cart.",
                hour.number(),
                course.en
            )
            .into(),
        }
    }
}

fn item_label(item: &CartItem) -> String {
    match item {
        CartItem::Course(id) => id.to_string(),
        CartItem::Hour(id) => id.to_string(),
        CartItem::Bundle(id) => id.to_string(),
    }
}

#[cfg(test)]
mod tests;
