// Lint rules: typescript-eslint's recommended set without type information (fast enough to run
// on every CI run), plus the few habits this project relies on. Formatting is Prettier's job.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  {ignores: ['dist/', 'node_modules/', 'test/fixtures/profiles/', 'patches/']},
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        clearImmediate: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        fetch: 'readonly',
        performance: 'readonly',
        queueMicrotask: 'readonly',
        structuredClone: 'readonly',
        globalThis: 'readonly',
        NodeJS: 'readonly',
        Response: 'readonly',
        Request: 'readonly',
        Headers: 'readonly',
        URLSearchParams: 'readonly',
        crypto: 'readonly',
        document: 'readonly',
        window: 'readonly',
        navigator: 'readonly',
        RTCPeerConnection: 'readonly',
        MediaStream: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        {argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none'},
      ],
      // werift's and wrtc's types are loose; `any` at those seams is deliberate and commented.
      '@typescript-eslint/no-explicit-any': 'off',
      'no-empty': ['error', {allowEmptyCatch: true}],
      // Terminal output and log parsing match escape and control characters on purpose.
      'no-control-regex': 'off',
      eqeqeq: ['error', 'smart'],
      'no-constant-condition': ['error', {checkLoops: false}],
    },
  },
)
