#!/usr/bin/env node
// julia-syntax: parse Julia files with a real Julia grammar (tree-sitter-julia) and fail on
// any syntax error: an ERROR node or a MISSING node, each reported as FILE:LINE:COLUMN.
//
//   node tests/julia/julia_syntax.js FILE.jl...
//
// Julia itself is not packaged for Debian 12, so this is the check that the bindings at
// least parse. The grammar comes from npm, installed into tests/julia/node_modules (which git
// ignores; .ci/run installs it, and so can you):
//
//   npm install --prefix tests/julia --no-save --no-package-lock --ignore-scripts \
//       web-tree-sitter@0.24.7 tree-sitter-julia@0.23.1
//
// It uses web-tree-sitter with the tree-sitter-julia.wasm the package ships (nothing to
// compile), else the native node bindings (tree-sitter with tree-sitter-julia's prebuilt
// binary). Where neither is found it exits 77, which meson reports as SKIP, unless the
// environment sets SPARSEMI_REQUIRE_JULIA_SYNTAX=1 (CI does), which makes that a failure.
// Exit status: 0 all files parse, 1 a syntax error or a failure, 77 skipped.
'use strict';

const fs = require('fs');
const path = require('path');

const SKIP = 77;
// Where the packages may be: tests/julia/node_modules (next to this script), then node's own
// search path (NODE_PATH, global folders).
const searchPaths = [path.join(__dirname, 'node_modules'), ...(module.paths || [])];

function resolve(request) {
    try {
        return require.resolve(request, { paths: searchPaths });
    } catch (err) {
        return null;
    }
}

// A property that is a getter in some versions of the node APIs and a method in others.
function prop(node, name) {
    const value = node[name];
    return typeof value === 'function' ? value.call(node) : value;
}

// A parser for Julia: { parse(text) -> tree, how } or null when the packages are absent.
async function webParser() {
    const mainPath = resolve('web-tree-sitter');
    const wasmPath = resolve('tree-sitter-julia/tree-sitter-julia.wasm');
    if (!mainPath || !wasmPath) return null;
    const mod = require(mainPath);
    const Parser = mod.Parser || mod;          // 0.25 exports { Parser, Language }
    await Parser.init();
    const Language = mod.Language || Parser.Language;   // before 0.25: set by init()
    const julia = await Language.load(wasmPath);
    const parser = new Parser();
    parser.setLanguage(julia);
    return { parse: (text) => parser.parse(text), how: 'web-tree-sitter (wasm)' };
}

function nativeParser() {
    const mainPath = resolve('tree-sitter');
    const juliaPath = resolve('tree-sitter-julia');
    if (!mainPath || !juliaPath) return null;
    let Parser, julia;
    try {
        Parser = require(mainPath);
        julia = require(juliaPath);
    } catch (err) {
        return null;   // no prebuilt binary for this platform
    }
    const parser = new Parser();
    parser.setLanguage(julia);
    return { parse: (text) => parser.parse(text), how: 'tree-sitter (native)' };
}

// Every ERROR and MISSING node under root, in document order.
function syntaxErrors(root) {
    const found = [];
    const stack = [root];
    while (stack.length) {
        const node = stack.pop();
        if (!prop(node, 'hasError') && !prop(node, 'isMissing')) continue;
        if (node.type === 'ERROR' || prop(node, 'isError')) {
            found.push({ kind: 'syntax error', node });
        } else if (prop(node, 'isMissing')) {
            found.push({ kind: `missing ${JSON.stringify(node.type)}`, node });
        }
        for (let i = node.childCount - 1; i >= 0; i--) stack.push(node.child(i));
    }
    found.sort((a, b) => a.node.startIndex - b.node.startIndex);
    return found;
}

async function main() {
    const files = process.argv.slice(2);
    if (files.length === 0) {
        console.error('usage: julia_syntax.js FILE.jl...');
        return 1;
    }
    let parser = null;
    try {
        parser = (await webParser()) || nativeParser();
    } catch (err) {
        console.error(`julia-syntax: cannot load the Julia grammar: ${err && err.stack || err}`);
        return 1;
    }
    if (!parser) {
        const msg = 'julia-syntax: SKIP: the npm packages web-tree-sitter and tree-sitter-julia ' +
            `are not installed (looked in ${searchPaths[0]} and node's path); install them ` +
            'with: npm install --prefix tests/julia --no-save --no-package-lock ' +
            '--ignore-scripts web-tree-sitter@0.24.7 tree-sitter-julia@0.23.1';
        if (process.env.SPARSEMI_REQUIRE_JULIA_SYNTAX === '1') {
            console.error(msg.replace('SKIP', 'FAIL (SPARSEMI_REQUIRE_JULIA_SYNTAX=1)'));
            return 1;
        }
        console.log(msg);
        return SKIP;
    }
    console.log(`julia-syntax: parsing with ${parser.how}`);
    let failed = 0;
    for (const file of files) {
        let text;
        try {
            text = fs.readFileSync(file, 'utf8');
        } catch (err) {
            console.error(`${file}: cannot read: ${err.message}`);
            failed++;
            continue;
        }
        const tree = parser.parse(text);
        const root = tree.rootNode;
        const errors = syntaxErrors(root);
        const lines = text.split('\n');
        for (const { kind, node } of errors) {
            const { row, column } = node.startPosition;
            const line = (lines[row] || '').replace(/\t/g, ' ');
            console.error(`${file}:${row + 1}:${column + 1}: ${kind}`);
            console.error(`    ${line}`);
            console.error(`    ${' '.repeat(column)}^`);
        }
        if (errors.length === 0 && prop(root, 'hasError')) {
            console.error(`${file}: the parser reports an error it does not locate`);
            errors.push(null);
        }
        if (errors.length) {
            failed++;
            console.error(`${file}: ${errors.length} syntax error(s)`);
        } else {
            console.log(`${file}: OK (${lines.length} lines, ${root.descendantCount || '?'} nodes)`);
        }
        if (typeof tree.delete === 'function') tree.delete();
    }
    return failed ? 1 : 0;
}

main().then((code) => process.exit(code), (err) => {
    console.error(`julia-syntax: ${err && err.stack || err}`);
    process.exit(1);
});
