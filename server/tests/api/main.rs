//! One integration-test binary: each test spawns the whole application on
//! port 0 against a fresh database. Tests that touch storage run twice, on a
//! temporary SQLite file and on PostgreSQL (an isolated schema per test).

mod helpers;
mod live;

mod at_rest;
mod audit;
mod auth;
mod booking;
mod canned;
mod cases;
mod chat;
mod codes;
mod config;
mod console_page;
mod health;
mod hours;
mod letters;
mod logging;
mod nodes;
mod notes;
mod pages;
mod restart;
mod risk;
mod sessions;
mod settings;
mod startup;
mod static_files;
mod statistics;
mod status;
mod team;
mod transfer;
mod watch;
