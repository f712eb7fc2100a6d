//! The table's definition, in one place: the tests create it from here, and
//! `infra/` is checked against it.

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection,
    ProjectionType, ScalarAttributeType, TimeToLiveSpecification,
};

/// Partition key attribute, a string such as `LEARNER#<id>`.
pub const PARTITION_KEY: &str = "pk";
/// Sort key attribute, a string such as `PROFILE` or `HOUR#<hour>`.
pub const SORT_KEY: &str = "sk";
/// The one global secondary index: a learner's orders and certificates, and
/// staff's queues (pending title checks, invoice requests by status).
pub const GSI1: &str = "gsi1";
pub const GSI1_PARTITION_KEY: &str = "gsi1pk";
pub const GSI1_SORT_KEY: &str = "gsi1sk";
/// Epoch seconds after which DynamoDB may delete the item (login throttle windows).
pub const TTL_ATTRIBUTE: &str = "expires_at";

/// Creates the table as production has it (on-demand billing, the GSI, TTL).
/// For tests and local runs; production's table is created by `infra/`.
pub async fn create(client: &Client, name: &str) -> Result<(), aws_sdk_dynamodb::Error> {
    let string_attribute = |name: &str| {
        AttributeDefinition::builder()
            .attribute_name(name)
            .attribute_type(ScalarAttributeType::S)
            .build()
            .expect("name and type are set")
    };
    let key = |name: &str, key_type| {
        KeySchemaElement::builder()
            .attribute_name(name)
            .key_type(key_type)
            .build()
            .expect("name and type are set")
    };
    let gsi1 = GlobalSecondaryIndex::builder()
        .index_name(GSI1)
        .key_schema(key(GSI1_PARTITION_KEY, KeyType::Hash))
        .key_schema(key(GSI1_SORT_KEY, KeyType::Range))
        .projection(
            Projection::builder()
                .projection_type(ProjectionType::All)
                .build(),
        )
        .build()
        .expect("name, keys and projection are set");
    client
        .create_table()
        .table_name(name)
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(string_attribute(PARTITION_KEY))
        .attribute_definitions(string_attribute(SORT_KEY))
        .attribute_definitions(string_attribute(GSI1_PARTITION_KEY))
        .attribute_definitions(string_attribute(GSI1_SORT_KEY))
        .key_schema(key(PARTITION_KEY, KeyType::Hash))
        .key_schema(key(SORT_KEY, KeyType::Range))
        .global_secondary_indexes(gsi1)
        .send()
        .await?;
    client
        .update_time_to_live()
        .table_name(name)
        .time_to_live_specification(
            TimeToLiveSpecification::builder()
                .enabled(true)
                .attribute_name(TTL_ATTRIBUTE)
                .build()
                .expect("enabled and attribute are set"),
        )
        .send()
        .await?;
    Ok(())
}
