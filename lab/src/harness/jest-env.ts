// Tests run on the Node the machine has; the SDK's notice about future Node versions is
// documented (infra/README.md) and would only bury test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
