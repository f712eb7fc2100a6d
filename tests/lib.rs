//! Black-box tests of ticedu across crates. The tests live beside this file;
//! this library holds what several of them share.
