//! Scalar functions the translated SQL calls, with PostgreSQL semantics. Pure functions over
//! stored values; the executor registers each on every SQLite connection.
//!
//! Strict functions (most of them) return NULL when an argument is NULL, as PostgreSQL's
//! strict functions do; the errors carry PostgreSQL's SQLSTATE and wording.

mod arith;
mod array;
mod cast;
mod datetime;
mod exclusion;
mod extremes;
mod format;
mod formatting;
mod json;
mod json_edit;
mod json_sets;
mod math;
mod number_format;
pub mod numeric;
mod ordered_set;
mod pgcrypto;
mod range;
mod regex;
mod regression;
mod strings;
mod text;
pub mod text_search;
mod variance;

use devdb_pg::{PgError, SqlState, Value};

use crate::system::acl;
use crate::system::functions as catalog;
use regression::Regression;
use variance::Statistic::{StddevPop, StddevSamp, VarPop, VarSamp};

pub use array::EMPTY as EMPTY_ARRAY;
pub use cast::apply_typmod;

/// A function the translator may emit a call to.
pub struct Function {
    /// The SQLite-side name.
    pub name: &'static str,
    /// Number of arguments, or -1 for any.
    pub n_args: i32,
    /// Same arguments, same result: lets SQLite factor calls out of loops.
    pub deterministic: bool,
    pub call: fn(&[Value]) -> Result<Value, PgError>,
}

const fn f(
    name: &'static str,
    n_args: i32,
    call: fn(&[Value]) -> Result<Value, PgError>,
) -> Function {
    Function {
        name,
        n_args,
        deterministic: true,
        call,
    }
}

/// A function SQLite must call again for each row (random values).
const fn volatile(
    name: &'static str,
    n_args: i32,
    call: fn(&[Value]) -> Result<Value, PgError>,
) -> Function {
    Function {
        deterministic: false,
        ..f(name, n_args, call)
    }
}

/// Every runtime scalar function.
pub static FUNCTIONS: &[Function] = &[
    f("pg_int2_add", 2, arith::int2_add),
    f("pg_int2_sub", 2, arith::int2_sub),
    f("pg_int2_mul", 2, arith::int2_mul),
    f("pg_int2_div", 2, arith::int2_div),
    f("pg_int2_mod", 2, arith::int2_mod),
    f("pg_int4_add", 2, arith::int4_add),
    f("pg_int4_sub", 2, arith::int4_sub),
    f("pg_int4_mul", 2, arith::int4_mul),
    f("pg_int4_div", 2, arith::int4_div),
    f("pg_int4_mod", 2, arith::int4_mod),
    f("pg_int8_add", 2, arith::int8_add),
    f("pg_int8_sub", 2, arith::int8_sub),
    f("pg_int8_mul", 2, arith::int8_mul),
    f("pg_int8_div", 2, arith::int8_div),
    f("pg_int8_mod", 2, arith::int8_mod),
    f("pg_float8_add", 2, arith::float8_add),
    f("pg_float8_sub", 2, arith::float8_sub),
    f("pg_float8_mul", 2, arith::float8_mul),
    f("pg_float8_div", 2, arith::float8_div),
    f("pg_float4_add", 2, arith::float4_add),
    f("pg_float4_sub", 2, arith::float4_sub),
    f("pg_float4_mul", 2, arith::float4_mul),
    f("pg_float4_div", 2, arith::float4_div),
    f("pg_numeric_add", 2, numeric::add),
    f("pg_numeric_sub", 2, numeric::sub),
    f("pg_numeric_mul", 2, numeric::mul),
    f("pg_numeric_div", 2, numeric::div),
    f("pg_numeric_mod", 2, numeric::rem),
    f("pg_numeric_series_stop", 3, numeric::series_stop),
    f("pg_numeric_series_nth", 3, numeric::series_nth),
    f("pg_numeric_abs", 1, numeric::abs),
    f("pg_numeric_sign", 1, numeric::sign),
    f("pg_numeric_sqrt", 1, numeric::sqrt),
    f("pg_numeric_exp", 1, numeric::exp),
    f("pg_numeric_ln", 1, numeric::ln),
    f("pg_numeric_log", 2, numeric::log),
    f("pg_numeric_power", 2, numeric::power),
    f("pg_numeric_ceil", 1, numeric::ceil),
    f("pg_numeric_floor", 1, numeric::floor),
    f("pg_numeric_round", -1, numeric::round),
    f("pg_numeric_trunc", -1, numeric::trunc),
    f("pg_numeric_greatest", -1, numeric::greatest),
    f("pg_numeric_least", -1, numeric::least),
    f("pg_range", 4, range::make),
    f("pg_to_tsvector", 2, text_search::to_tsvector),
    f("pg_to_tsquery", 2, text_search::to_tsquery),
    f("pg_plainto_tsquery", 2, text_search::plainto_tsquery),
    f("pg_phraseto_tsquery", 2, text_search::phraseto_tsquery),
    f(
        "pg_websearch_to_tsquery",
        2,
        text_search::websearch_to_tsquery,
    ),
    f("pg_ts_match", 2, text_search::ts_match),
    f("pg_setweight", -1, text_search::setweight),
    f("pg_strip", 1, text_search::strip),
    f("pg_tsvector_length", 1, text_search::length),
    f("pg_numnode", 1, text_search::numnode),
    f("pg_querytree", 1, text_search::querytree),
    f("pg_tsvector_concat", 2, text_search::tsvector_concat),
    f("pg_tsquery_op", -1, text_search::tsquery_op),
    f("pg_tsquery_contains", 2, text_search::tsquery_contains),
    f("pg_tsvector_to_array", 1, text_search::tsvector_to_array),
    f("pg_array_to_tsvector", 1, text_search::array_to_tsvector),
    f("pg_ts_delete", 2, text_search::ts_delete),
    f("pg_ts_rank", 5, text_search::ts_rank),
    f("pg_range_op", 4, range::op),
    f("pg_range_part", 3, range::part),
    f("pg_date_add", 2, arith::date_add),
    f("pg_date_sub", 2, arith::date_sub),
    f("pg_ts_add", 4, datetime::ts_add),
    f("pg_ts_diff", 2, datetime::ts_diff),
    f("pg_ts_series_stop", 4, datetime::ts_series_stop),
    f("pg_ts_series_nth", 4, datetime::ts_series_nth),
    f("pg_date_time", 2, datetime::date_time),
    f("pg_overlaps", 4, datetime::overlaps),
    f("pg_time_add", 3, datetime::time_add),
    f("pg_time_diff", 2, datetime::time_diff),
    f("pg_interval_add", 2, datetime::interval_add),
    f("pg_interval_sub", 2, datetime::interval_sub),
    f("pg_interval_mul", 2, datetime::interval_mul),
    f("pg_interval_div", 2, datetime::interval_div),
    f("pg_interval_neg", 1, datetime::interval_neg),
    f("pg_justify", 2, datetime::justify),
    f("pg_age", 3, datetime::age),
    f("pg_extract", 4, datetime::extract),
    f("pg_date_trunc", 4, datetime::date_trunc),
    f("pg_date_bin", 3, datetime::date_bin),
    f("pg_make_date", 3, datetime::make_date),
    f("pg_make_time", 3, datetime::make_time),
    f("pg_make_timestamp", 8, datetime::make_timestamp),
    f("pg_make_interval", 7, datetime::make_interval),
    f("pg_to_timestamp_epoch", 1, datetime::to_timestamp_epoch),
    f("pg_isfinite", 1, datetime::isfinite),
    f("pg_to_char", 3, formatting::to_char),
    f("pg_number_to_char", 3, number_format::to_char),
    f("pg_interval_to_char", 2, formatting::interval_to_char),
    f("pg_to_timestamp", 3, formatting::to_timestamp),
    f("pg_abs", 1, arith::abs),
    f("pg_round_float8", 1, arith::round_float8),
    f("pg_greatest", -1, arith::greatest),
    f("pg_greatest_of", -1, arith::greatest_of),
    f("pg_least_of", -1, arith::least_of),
    f("pg_least", -1, arith::least),
    f("pg_cast", 5, cast::pg_cast),
    f("pg_bpchar_pad", 2, cast::bpchar_pad),
    f("pg_enum_in", -1, cast::enum_in),
    f("pg_enum_array_in", -1, cast::enum_array_in),
    f("pg_at_time_zone", 3, cast::at_time_zone),
    f("pg_like", -1, text::like),
    f("pg_ilike", -1, text::ilike),
    f("pg_lower", 1, text::lower),
    f("pg_upper", 1, text::upper),
    f("pg_octet_length", 1, text::octet_length),
    f("pg_substr", -1, text::substr),
    f("pg_left", 2, text::left),
    f("pg_right", 2, text::right),
    f("pg_repeat", 2, text::repeat),
    f("pg_ceil", 1, math::ceil),
    f("pg_floor", 1, math::floor),
    f("pg_trunc", -1, math::trunc),
    f("pg_power", 2, math::power),
    f("pg_sqrt", 1, math::sqrt),
    f("pg_float8_exp", 1, math::exp),
    f("pg_float8_ln", 1, math::ln),
    f("pg_float8_log10", 1, math::log10),
    f("pg_float8_sign", 1, math::sign),
    f("pg_pi", 0, math::pi),
    f("pg_cbrt", 1, math::cbrt),
    f("pg_degrees", 1, math::degrees),
    f("pg_radians", 1, math::radians),
    f("pg_sin", 1, math::sin),
    f("pg_cos", 1, math::cos),
    f("pg_tan", 1, math::tan),
    f("pg_cot", 1, math::cot),
    f("pg_asin", 1, math::asin),
    f("pg_acos", 1, math::acos),
    f("pg_atan", 1, math::atan),
    f("pg_atan2", 2, math::atan2),
    f("pg_sind", 1, math::sind),
    f("pg_cosd", 1, math::cosd),
    f("pg_tand", 1, math::tand),
    f("pg_cotd", 1, math::cotd),
    f("pg_asind", 1, math::asind),
    f("pg_acosd", 1, math::acosd),
    f("pg_atand", 1, math::atand),
    f("pg_atan2d", 2, math::atan2d),
    f("pg_sinh", 1, math::sinh),
    f("pg_cosh", 1, math::cosh),
    f("pg_tanh", 1, math::tanh),
    f("pg_asinh", 1, math::asinh),
    f("pg_acosh", 1, math::acosh),
    f("pg_atanh", 1, math::atanh),
    f("pg_float8_width_bucket", 4, math::width_bucket),
    f("pg_numeric_width_bucket", 4, numeric::width_bucket),
    f("pg_numeric_div_trunc", 2, numeric::div_trunc),
    f("pg_numeric_gcd", 2, numeric::gcd),
    f("pg_numeric_lcm", 2, numeric::lcm),
    f("pg_factorial", 1, numeric::factorial),
    f("pg_numeric_scale", 1, numeric::scale),
    f("pg_numeric_min_scale", 1, numeric::min_scale),
    f("pg_numeric_trim_scale", 1, numeric::trim_scale),
    f("pg_int4_gcd", 2, arith::int4_gcd),
    f("pg_int4_lcm", 2, arith::int4_lcm),
    f("pg_int8_gcd", 2, arith::int8_gcd),
    f("pg_int8_lcm", 2, arith::int8_lcm),
    f("pg_int4_to_hex", 1, arith::int4_to_hex),
    f("pg_int8_to_hex", 1, arith::int8_to_hex),
    f("pg_regex_match", 3, regex::regex_match),
    f("pg_similar", -1, regex::similar),
    f("pg_regexp_replace", -1, regex::regexp_replace),
    f("pg_regexp_match", -1, regex::regexp_match),
    f("pg_regexp_matches", -1, regex::regexp_matches),
    f("pg_regexp_count", -1, regex::regexp_count),
    f("pg_regexp_instr", -1, regex::regexp_instr),
    f("pg_regexp_substr", -1, regex::regexp_substr),
    f("pg_substring_regex", 2, regex::substring),
    f("pg_regexp_like", -1, regex::regexp_like),
    f("pg_regexp_split_to_array", -1, regex::regexp_split_to_array),
    f("pg_chr", 1, strings::chr),
    f("pg_bit_length", 1, text::bit_length),
    f("pg_ascii", 1, strings::ascii),
    f("pg_starts_with", 2, strings::starts_with),
    f("pg_get_byte", 2, strings::get_byte),
    f("pg_set_byte", 3, strings::set_byte),
    f("pg_bytea_concat", 2, strings::bytea_concat),
    f("pg_split_part", 3, strings::split_part),
    f("pg_initcap", 1, strings::initcap),
    f("pg_lpad", -1, strings::lpad),
    f("pg_rpad", -1, strings::rpad),
    f("pg_reverse", 1, strings::reverse),
    f("pg_translate", 3, strings::translate),
    f("pg_concat_ws", -1, strings::concat_ws),
    f("pg_md5", 1, strings::md5),
    f("pg_digest", 2, pgcrypto::digest),
    f("pg_hmac", 3, pgcrypto::hmac),
    f("pg_crypt", 2, pgcrypto::crypt),
    volatile("pg_gen_random_bytes", 1, pgcrypto::gen_random_bytes),
    volatile("pg_gen_salt", -1, pgcrypto::gen_salt),
    f("pg_sha224", 1, strings::sha2::<sha2::Sha224>),
    f("pg_sha256", 1, strings::sha2::<sha2::Sha256>),
    f("pg_sha384", 1, strings::sha2::<sha2::Sha384>),
    f("pg_sha512", 1, strings::sha2::<sha2::Sha512>),
    f("pg_format", -1, format::format),
    f("pg_quote_literal", 1, format::quote_literal),
    Function {
        name: "pg_quote_nullable",
        n_args: 1,
        deterministic: true,
        call: format::quote_nullable,
    },
    f("pg_hashtext", 1, strings::hashtext),
    f("pg_json_set_arg", 3, json_sets::set_arg),
    f("pg_json_record", 2, json_sets::record),
    f("pg_json_array_field", 1, json_sets::array_field),
    f("pg_encode", 2, strings::encode),
    f("pg_decode", 2, strings::decode),
    f("pg_quote_ident", 1, catalog::pg_quote_ident),
    f("pg_acldefault", 2, acl::pg_acldefault),
    f("pg_acl_edit", -1, acl::pg_acl_edit),
    f("pg_acl_out", 2, acl::pg_acl_out),
    f("pg_owner_check", 2, catalog::pg_owner_check),
    f("pg_name_list", 1, catalog::pg_name_list),
    f(
        "pg_check_display",
        4,
        crate::system::check_display::pg_check_display,
    ),
    f(
        "pg_generated_display",
        5,
        crate::system::check_display::pg_generated_display,
    ),
    f(
        "pg_view_display",
        -1,
        crate::system::view_display::pg_view_display,
    ),
    f("pg_fk_action", 1, catalog::pg_fk_action),
    f("pg_format_type", 3, catalog::pg_format_type),
    f("pg_format_type_qualified", 4, catalog::pg_format_type),
    f("pg_function_arguments", 2, catalog::pg_function_arguments),
    f(
        "pg_encoding_to_char",
        1,
        crate::system::encoding::pg_encoding_to_char,
    ),
    f(
        "pg_char_to_encoding",
        1,
        crate::system::encoding::pg_char_to_encoding,
    ),
    f("pg_function_def", 11, catalog::pg_function_def),
    f("pg_name_part", 3, catalog::pg_name_part),
    f("pg_size_pretty", 1, catalog::pg_size_pretty),
    f("pg_found", -1, catalog::pg_found),
    f("pg_regtype_oid", 1, catalog::pg_regtype_oid),
    f("pg_regtype_typname", 1, catalog::pg_regtype_typname),
    f("pg_fk_rule", 1, catalog::pg_fk_rule),
    f("pg_key", 2, catalog::pg_key),
    f("pg_key_name", 1, catalog::pg_key_name),
    f("pg_key_schema", 1, catalog::pg_key_schema),
    f("pg_default_display", -1, catalog::pg_default_display),
    f("pg_default_sequence", 1, catalog::pg_default_sequence),
    f("pg_check_limit", 1, check_limit),
    f("pg_sequence_type_fits", 3, sequence_type_fits),
    f("pg_check_offset", 1, check_offset),
    f("pg_series_stop", 3, series_stop),
    f("pg_lateral_row", 2, lateral_row),
    f("pg_scalar_row", 2, scalar_row),
    f("pg_check_no_nulls", 3, check_no_nulls),
    f("pg_check_violation", 4, check_violation),
    f("pg_exclusion_violation", -1, exclusion::violation),
    f("pg_foreign_key_violation", 7, foreign_key_violation),
    f("pg_not_valid_violation", 4, not_valid_violation),
    f("pg_domain_violation", 3, domain_violation),
    f("pg_not_null", 3, not_null),
    f("pg_upsert_once", 1, upsert_once),
    f("pg_json_elem", 2, json::elem),
    f("pg_to_json", 3, json::to_json),
    f("pg_jsonb_norm", 1, json::norm),
    f("pg_json_object", -1, json::build_object),
    f("pg_json_array", -1, json::build_array),
    f("pg_json_get", 4, json::get),
    f("pg_json_path", 4, json::path),
    f("pg_jsonb_contains", 2, json::contains),
    f("pg_jsonb_exists", 3, json::exists),
    f("pg_jsonb_concat", 2, json::concat),
    f("pg_jsonb_delete", 2, json::delete),
    f("pg_json_typeof", 1, json::typeof_),
    f("pg_json_array_length", 1, json::array_length),
    f("pg_jsonb_strip_nulls", 1, json::strip_nulls),
    f("pg_jsonb_set", 4, json_edit::set),
    f("pg_jsonb_insert", 4, json_edit::insert),
    f("pg_jsonb_delete_path", 2, json_edit::delete_path),
    f("pg_jsonb_delete_keys", 2, json_edit::delete_keys),
    f("pg_jsonb_pretty", 1, json_edit::pretty),
    f("pg_json_items", 3, json_sets::items),
    f("pg_array_make", -1, array::make),
    f("pg_array_json", 2, array::json),
    f("pg_array_subscript", 3, array::subscript),
    f("pg_array_slice", 4, array::slice),
    f("pg_array_bound", 4, array::bound),
    f("pg_cardinality", 2, array::cardinality),
    f("pg_array_cat", 2, array::cat),
    f("pg_array_contains", 3, array::contains),
    f("pg_array_overlap", 3, array::overlap),
    f("pg_array_remove", 3, array::remove),
    f("pg_array_position", 3, array::position),
    f("pg_array_positions", 3, array::positions),
    f("pg_array_replace", 4, array::replace),
    f("pg_trim_array", 3, array::trim),
    f("pg_array_fill", 3, array::fill),
    f("pg_array_to_string", 4, array::to_string),
    f("pg_string_to_array", 3, array::string_to_array),
    f("pg_array_any", 5, array::any),
    f("pg_array_cmp", 3, array::cmp),
    f("pg_array_pack", 2, array::pack),
    volatile("pg_gen_random_uuid", 0, gen_random_uuid),
    f("pg_convert_to", 2, crate::system::encoding::pg_convert_to),
    f(
        "pg_convert_from",
        2,
        crate::system::encoding::pg_convert_from,
    ),
];

/// An aggregate the translated SQL calls: the executor collects each row's arguments, in the
/// call's ORDER BY, and `finish` computes the result (an empty list for no rows).
pub struct Aggregate {
    pub name: &'static str,
    pub n_args: i32,
    pub finish: fn(Vec<Vec<Value>>) -> Result<Value, PgError>,
}

const fn one_arg(
    name: &'static str,
    finish: fn(Vec<Vec<Value>>) -> Result<Value, PgError>,
) -> Aggregate {
    Aggregate {
        name,
        n_args: 1,
        finish,
    }
}

const fn two_args(
    name: &'static str,
    finish: fn(Vec<Vec<Value>>) -> Result<Value, PgError>,
) -> Aggregate {
    Aggregate {
        name,
        n_args: 2,
        finish,
    }
}

/// Every runtime aggregate.
pub static AGGREGATES: &[Aggregate] = &[
    Aggregate {
        name: "pg_array_agg",
        n_args: 1,
        finish: array::agg,
    },
    Aggregate {
        name: "pg_numeric_sum",
        n_args: 1,
        finish: numeric::sum,
    },
    Aggregate {
        name: "pg_numeric_avg",
        n_args: 1,
        finish: numeric::avg,
    },
    Aggregate {
        name: "pg_float8_sum",
        n_args: 1,
        finish: arith::float8_sum,
    },
    Aggregate {
        name: "pg_float4_sum",
        n_args: 1,
        finish: arith::float4_sum,
    },
    Aggregate {
        name: "pg_float8_avg",
        n_args: 1,
        finish: arith::float8_avg,
    },
    one_arg("pg_float8_stddev_samp", |r| variance::float8(r, StddevSamp)),
    one_arg("pg_numeric_stddev_samp", |r| {
        variance::numeric(r, StddevSamp)
    }),
    one_arg("pg_float8_stddev_pop", |r| variance::float8(r, StddevPop)),
    one_arg("pg_numeric_stddev_pop", |r| variance::numeric(r, StddevPop)),
    one_arg("pg_float8_var_samp", |r| variance::float8(r, VarSamp)),
    one_arg("pg_numeric_var_samp", |r| variance::numeric(r, VarSamp)),
    one_arg("pg_float8_var_pop", |r| variance::float8(r, VarPop)),
    one_arg("pg_numeric_var_pop", |r| variance::numeric(r, VarPop)),
    Aggregate {
        name: "pg_collated_min",
        n_args: 2,
        finish: extremes::min,
    },
    Aggregate {
        name: "pg_collated_max",
        n_args: 2,
        finish: extremes::max,
    },
    Aggregate {
        name: "pg_interval_sum",
        n_args: 1,
        finish: datetime::interval_sum,
    },
    two_args("pg_regr_count", |r| {
        regression::finish(r, Regression::Count)
    }),
    two_args("pg_regr_sxx", |r| regression::finish(r, Regression::Sxx)),
    two_args("pg_regr_syy", |r| regression::finish(r, Regression::Syy)),
    two_args("pg_regr_sxy", |r| regression::finish(r, Regression::Sxy)),
    two_args("pg_regr_avgx", |r| regression::finish(r, Regression::AvgX)),
    two_args("pg_regr_avgy", |r| regression::finish(r, Regression::AvgY)),
    two_args("pg_covar_pop", |r| {
        regression::finish(r, Regression::CovarPop)
    }),
    two_args("pg_covar_samp", |r| {
        regression::finish(r, Regression::CovarSamp)
    }),
    two_args("pg_corr", |r| regression::finish(r, Regression::Corr)),
    two_args("pg_regr_r2", |r| regression::finish(r, Regression::R2)),
    two_args("pg_regr_slope", |r| {
        regression::finish(r, Regression::Slope)
    }),
    two_args("pg_regr_intercept", |r| {
        regression::finish(r, Regression::Intercept)
    }),
    two_args("pg_percentile_cont", |r| {
        ordered_set::percentile_cont(r, false)
    }),
    two_args("pg_percentile_cont_multi", |r| {
        ordered_set::percentile_cont(r, true)
    }),
    two_args("pg_percentile_disc", |r| {
        ordered_set::percentile_disc(r, false)
    }),
    Aggregate {
        name: "pg_percentile_disc_multi",
        n_args: 3,
        finish: |r| ordered_set::percentile_disc(r, true),
    },
    one_arg("pg_mode", ordered_set::mode),
    one_arg("pg_json_agg_distinct", json::agg_distinct_inline),
    one_arg("pg_json_agg_distinct_lines", json::agg_distinct_lines),
    one_arg("pg_bit_and", arith::bit_and),
    one_arg("pg_bit_or", arith::bit_or),
    one_arg("pg_bit_xor", arith::bit_xor),
    one_arg("pg_string_agg_distinct", strings::string_agg_distinct),
    Aggregate {
        name: "pg_interval_avg",
        n_args: 1,
        finish: datetime::interval_avg,
    },
];

/// Looks a runtime function up by name (for tests and the executor's diagnostics).
pub fn function(name: &str) -> Option<&'static Function> {
    FUNCTIONS.iter().find(|f| f.name == name)
}

/// The integer in a stored value; reals with an integral value are accepted.
pub(crate) fn as_int(v: &Value) -> Result<Option<i64>, PgError> {
    match v {
        Value::Null => Ok(None),
        Value::Int(i) => Ok(Some(*i)),
        Value::Float(f) if f.fract() == 0.0 && f.abs() < 9.2e18 => Ok(Some(*f as i64)),
        other => Err(PgError::internal(format!(
            "expected an integer, found {other:?}"
        ))),
    }
}

pub(crate) fn as_float(v: &Value) -> Result<Option<f64>, PgError> {
    match v {
        Value::Null => Ok(None),
        Value::Int(i) => Ok(Some(*i as f64)),
        Value::Float(f) => Ok(Some(*f)),
        Value::Text(t) if t == devdb_pg::value::FLOAT_NAN => Ok(Some(f64::NAN)),
        other => Err(PgError::internal(format!(
            "expected a number, found {other:?}"
        ))),
    }
}

pub(crate) fn as_text(v: &Value) -> Result<Option<&str>, PgError> {
    match v {
        Value::Null => Ok(None),
        Value::Text(s) => Ok(Some(s)),
        other => Err(PgError::internal(format!("expected text, found {other:?}"))),
    }
}

/// The bytes of a text or bytea value; None for NULL.
pub(crate) fn as_bytes(v: &Value) -> Result<Option<&[u8]>, PgError> {
    match v {
        Value::Null => Ok(None),
        Value::Text(s) => Ok(Some(s.as_bytes())),
        Value::Blob(b) => Ok(Some(b)),
        other => Err(PgError::internal(format!(
            "expected text or bytea, found {other:?}"
        ))),
    }
}

pub(crate) fn arg(args: &[Value], i: usize) -> &Value {
    args.get(i).unwrap_or(&Value::Null)
}

/// `pg_sequence_type_fits(type_oid, min, max)`: the type of ALTER SEQUENCE ... AS, once its
/// new bounds are seen to fit it (22023 otherwise).
fn sequence_type_fits(args: &[Value]) -> Result<Value, PgError> {
    let (Some(oid), Some(min), Some(max)) = (
        as_int(arg(args, 0))?,
        as_int(arg(args, 1))?,
        as_int(arg(args, 2))?,
    ) else {
        return Ok(Value::Null);
    };
    let ty = u32::try_from(oid)
        .ok()
        .and_then(|o| devdb_pg::PgType::from_oid(devdb_pg::Oid(o)))
        .ok_or_else(|| PgError::internal(format!("sequence type {oid}")))?;
    crate::rewrite::check_sequence_type(ty, min, max)?;
    Ok(Value::Int(oid))
}

fn check_limit(args: &[Value]) -> Result<Value, PgError> {
    match as_int(arg(args, 0))? {
        None => Ok(Value::Int(-1)),
        Some(n) if n < 0 => Err(PgError::new(
            SqlState::INVALID_ROW_COUNT_IN_LIMIT_CLAUSE,
            "LIMIT must not be negative",
        )),
        Some(n) => Ok(Value::Int(n)),
    }
}

fn check_offset(args: &[Value]) -> Result<Value, PgError> {
    match as_int(arg(args, 0))? {
        None => Ok(Value::Int(0)),
        Some(n) if n < 0 => Err(PgError::new(
            SqlState::INVALID_ROW_COUNT_IN_RESULT_OFFSET_CLAUSE,
            "OFFSET must not be negative",
        )),
        Some(n) => Ok(Value::Int(n)),
    }
}

/// The last k of generate_series(start, stop, step) as start + k * step; -1 when empty.
fn series_stop(args: &[Value]) -> Result<Value, PgError> {
    let (Some(start), Some(stop), Some(step)) = (
        as_int(arg(args, 0))?,
        as_int(arg(args, 1))?,
        as_int(arg(args, 2))?,
    ) else {
        return Ok(Value::Int(-1));
    };
    if step == 0 {
        return Err(PgError::new(
            SqlState::INVALID_PARAMETER_VALUE,
            "step size cannot equal zero",
        ));
    }
    let k = (i128::from(stop) - i128::from(start)) / i128::from(step);
    Ok(Value::Int(if k < 0 {
        -1
    } else {
        i64::try_from(k).unwrap_or(i64::MAX)
    }))
}

/// `pg_lateral_row(count, value)`: the value of a LATERAL subquery's one row (see
/// `rewrite::lateral`); more rows than one is a LATERAL join devdb cannot run.
fn lateral_row(args: &[Value]) -> Result<Value, PgError> {
    if as_int(arg(args, 0))?.unwrap_or(0) > 1 {
        return Err(PgError::feature_not_supported(
            "a LATERAL subquery returning more than one row per row on its left",
        ));
    }
    Ok(arg(args, 1).clone())
}

/// `pg_scalar_row(rows, value)`: a scalar subquery's value, or 21000 when it gave more than
/// one row (SQLite would quietly take the first).
fn scalar_row(args: &[Value]) -> Result<Value, PgError> {
    if as_int(arg(args, 0))?.unwrap_or(0) > 1 {
        return Err(PgError::new(
            SqlState::CARDINALITY_VIOLATION,
            "more than one row returned by a subquery used as an expression",
        ));
    }
    Ok(arg(args, 1).clone())
}

/// `pg_upsert_once(count)`: false, or 21000 when an upsert proposed `count` > 1 rows with the
/// same keys (see `rewrite::dml`).
fn upsert_once(args: &[Value]) -> Result<Value, PgError> {
    if as_int(arg(args, 0))?.unwrap_or(0) > 1 {
        return Err(PgError::new(
            SqlState::CARDINALITY_VIOLATION,
            "ON CONFLICT DO UPDATE command cannot affect row a second time",
        )
        .with_hint(
            "Ensure that no rows proposed for insertion within the same command have duplicate constrained values.",
        ));
    }
    Ok(Value::Int(0))
}

/// ALTER TABLE ... ADD PRIMARY KEY on a column that already holds NULLs fails in PostgreSQL.
fn check_no_nulls(args: &[Value]) -> Result<Value, PgError> {
    let count = as_int(arg(args, 0))?.unwrap_or(0);
    if count > 0 {
        let col = as_text(arg(args, 1))?.unwrap_or("");
        let table = as_text(arg(args, 2))?.unwrap_or("");
        return Err(PgError::new(
            SqlState::NOT_NULL_VIOLATION,
            format!("column \"{col}\" of relation \"{table}\" contains null values"),
        ));
    }
    Ok(Value::Int(1))
}

/// `pg_check_violation(violated, constraint, schema, table)`: ALTER TABLE ... ADD CHECK on
/// rows that break it fails as PostgreSQL's does, naming the constraint and the relation.
fn check_violation(args: &[Value]) -> Result<Value, PgError> {
    violation(args, |[constraint, _, table, ..]| {
        PgError::new(
            SqlState::CHECK_VIOLATION,
            format!(
                "check constraint \"{constraint}\" of relation \"{table}\" is violated by some row"
            ),
        )
    })
}

/// `pg_foreign_key_violation(violated, constraint, schema, table, columns, key, referenced)`:
/// ALTER TABLE ... ADD FOREIGN KEY over a row whose key the referenced table lacks fails as
/// PostgreSQL's does.
fn foreign_key_violation(args: &[Value]) -> Result<Value, PgError> {
    violation(args, |[constraint, _, table, columns, key, referenced]| {
        PgError::new(
            SqlState::FOREIGN_KEY_VIOLATION,
            format!("insert or update on table \"{table}\" violates foreign key constraint \"{constraint}\""),
        )
        .with_detail(format!("Key ({columns})=({key}) is not present in table \"{referenced}\"."))
    })
}

/// `pg_not_valid_violation(violated, constraint, schema, table)`: ALTER TABLE ... ADD ... NOT
/// VALID over rows that break the constraint, which devdb cannot keep (0A000).
fn not_valid_violation(args: &[Value]) -> Result<Value, PgError> {
    violation(args, |[constraint, _, table, ..]| {
        PgError::feature_not_supported(format!(
            "NOT VALID constraint \"{constraint}\" of relation \"{table}\" over rows that violate it"
        ))
    })
}

/// `pg_domain_violation(constraint, schema, domain)`: a cast to a domain of a value its CHECK
/// (named `constraint`) or, with `constraint` empty, its NOT NULL refuses.
fn domain_violation(args: &[Value]) -> Result<Value, PgError> {
    let text = |i: usize| -> Result<String, PgError> {
        Ok(args
            .get(i)
            .map(as_text)
            .transpose()?
            .flatten()
            .unwrap_or("")
            .to_owned())
    };
    let (constraint, schema, domain) = (text(0)?, text(1)?, text(2)?);
    let error = if constraint.is_empty() {
        PgError::new(
            SqlState::NOT_NULL_VIOLATION,
            format!("domain {domain} does not allow null values"),
        )
    } else {
        PgError::new(
            SqlState::CHECK_VIOLATION,
            format!("value for domain {domain} violates check constraint \"{constraint}\""),
        )
    };
    Err(error.with_fields(devdb_pg::ErrorFields {
        schema: Some(schema),
        constraint: (!constraint.is_empty()).then_some(constraint),
        ..Default::default()
    }))
}

/// 0 when `args[0]` is false, else the error `error` makes of the text arguments after it
/// (constraint, schema, table, then its own), with the schema, table and constraint fields.
fn violation(
    args: &[Value],
    error: impl FnOnce(&[String; 6]) -> PgError,
) -> Result<Value, PgError> {
    if as_int(arg(args, 0))?.unwrap_or(0) == 0 {
        return Ok(Value::Int(0));
    }
    let mut texts: [String; 6] = Default::default();
    for (i, text) in texts.iter_mut().enumerate() {
        if let Some(t) = args.get(i + 1) {
            *text = as_text(t)?.unwrap_or("").to_owned();
        }
    }
    let [constraint, schema, table, ..] = texts.clone();
    Err(error(&texts).with_fields(devdb_pg::ErrorFields {
        schema: Some(schema),
        table: Some(table),
        constraint: Some(constraint),
        ..Default::default()
    }))
}

/// A version 4 (random) UUID, as gen_random_uuid() and uuid_generate_v4() return.
fn gen_random_uuid(_: &[Value]) -> Result<Value, PgError> {
    use std::hash::BuildHasher;
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    // RandomState is seeded from the OS once per thread and then varied per instance.
    let word = |salt: u64| {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        std::collections::hash_map::RandomState::new().hash_one((
            COUNTER.fetch_add(1, Ordering::Relaxed),
            nanos,
            salt,
        ))
    };
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&word(1).to_le_bytes());
    bytes[8..].copy_from_slice(&word(2).to_le_bytes());
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    Ok(Value::Text(devdb_pg::value::format_uuid(bytes)))
}

/// `pg_not_null(value, column, table)`: the value, or 23502 when it is NULL.
fn not_null(args: &[Value]) -> Result<Value, PgError> {
    match arg(args, 0) {
        Value::Null => {
            let col = as_text(arg(args, 1))?.unwrap_or("");
            let (schema, table) = crate::catalog::split(as_text(arg(args, 2))?.unwrap_or(""));
            Err(PgError::not_null_violation(schema, table, col))
        }
        v => Ok(v.clone()),
    }
}

#[cfg(test)]
mod tests;
