// Mantine's own stylesheet is precompiled; this preset is for our CSS modules
// (rem()/em() functions, light-dark mixins, breakpoints as in Mantine's docs).
module.exports = {
  plugins: {
    'postcss-preset-mantine': {},
  },
};
