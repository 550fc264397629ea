/* global RED, $, window */
// Helpers shared by the edit dialogs of this package's nodes (nodes/<type>/<type>.html). Node-RED serves
// the package's resources/ folder at resources/node-red-contrib-ws-gateway/, and each node's html loads this
// file with a <script src> tag, which the editor runs before it adds that html (so before the node's
// registerType). Each registerType stays a literal in its own html, where the Flow Library reads it.
//
// Every node html includes the tag (a node set added alone, from the palette manager, needs it), so the
// editor runs this file once per node set: the first run defines `wsGatewayEditor`, later runs keep it.
(function () {
  'use strict';
  if (window.wsGatewayEditor) {
    return;
  }

  function text(v) {
    return String(v === undefined || v === null ? '' : v);
  }

  function isWholeNumber(v, min, max) {
    const s = text(v).trim();
    return /^\d+$/.test(s) && Number(s) >= min && Number(s) <= max;
  }

  // A rule that depends on another field applies only when `when(node)` holds (no `when`: always).
  function applies(when, node) {
    return !when || when(node);
  }

  /**
   * The helpers of one node type's dialog. `type` is the node type (also its node set and catalog name);
   * `prefix` the id prefix of its inputs: "node-input-" for a flow node, "node-config-input-" for a config
   * node.
   *
   * Node-RED reads a returned string as "invalid, because ..." only from a validator that declares two
   * parameters (value, opt); a one-parameter validator's string counts as valid. Every validator made here
   * therefore declares both, and returns true or the message shown beside the field.
   */
  function dialog(type, prefix) {
    const ns = 'node-red-contrib-ws-gateway/' + type + ':' + type + '.';
    // The id of the node whose edit dialog is open. Validators run both while the dialog is open (then a
    // rule that depends on another field must read that field's input, not the saved value) and when the
    // editor loads or deploys a flow (no dialog, or the dialog of another node: saved values).
    let editing = null;

    function t(key, values) {
      return RED._(ns + key, values);
    }

    function isOpen(node) {
      return editing !== null && editing === node.id;
    }

    // The value of a field: the dialog's input while this node's dialog is open, the saved value otherwise.
    function field(node, name) {
      const input = $('#' + prefix + name);
      if (isOpen(node) && input.length) {
        return input.attr('type') === 'checkbox' ? input.prop('checked') : input.val();
      }
      return node[name];
    }

    // A flow saved by an older version may lack a property (Node-RED does not fill in defaults): the
    // runtime then uses the default, so the dialog shows the default rather than an empty field.
    function showDefaults(node) {
      const defaults = node._def.defaults;
      Object.keys(defaults).forEach(function (name) {
        const value = defaults[name].value;
        const input = $('#' + prefix + name);
        if (value === undefined || value === null || typeof value === 'object') {
          return;
        }
        if (input.is('select') ? input.val() === null : (input.is('input[type=text]') && node[name] === undefined && input.val() === '')) {
          input.val(String(value));
        }
      });
    }

    // A select's value must be one of its options (a flow written by hand or by an older version may carry
    // anything). A number counts as its text: a saved default such as 8 matches the option "8".
    function oneOf(key, values, when) {
      return function (v, _opt) {
        if (!applies(when, this) || v === undefined) {
          return true;
        }
        return values.indexOf(typeof v === 'number' ? String(v) : v) >= 0 || t('errors.invalid-choice', { field: t('label.' + key) });
      };
    }

    /**
     * A whole number from min to max. `options`:
     *   error     the message's key under errors.
     *   label     the field's key under label.: the message then names the field and the range
     *   when      a test of the node: the rule applies only when it holds
     *   required  a missing value is invalid (otherwise it takes the runtime's default)
     *   emptyOk   an emptied field is valid (the runtime then picks its own default)
     */
    function integer(min, max, options) {
      return function (v, _opt) {
        if (!applies(options.when, this) || (v === undefined && !options.required) || (v === '' && options.emptyOk)) {
          return true;
        }
        if (isWholeNumber(v, min, max)) {
          return true;
        }
        return t('errors.' + options.error, options.label === undefined ? undefined : { field: t('label.' + options.label), min: min, max: max });
      };
    }

    /**
     * A list whose every item (trimmed) matches `pattern`; an empty field is valid. The message `error`
     * (under errors.) gets the first bad item as __item__. `options`:
     *   separator  what splits the items (default ",")
     *   skipBlank  blank items are left out (otherwise a blank item between separators is checked too)
     *   when       a test of the node: the rule applies only when it holds
     */
    function list(pattern, error, options) {
      const opts = options || {};
      return function (v, _opt) {
        if (!applies(opts.when, this)) {
          return true;
        }
        let items = text(v).split(opts.separator || ',').map(function (s) { return s.trim(); });
        if (opts.skipBlank) {
          items = items.filter(function (s) { return s !== ''; });
        } else if (items.length === 1 && items[0] === '') {
          return true;
        }
        for (let i = 0; i < items.length; i++) {
          if (!pattern.test(items[i])) {
            return t('errors.' + error, { item: items[i] });
          }
        }
        return true;
      };
    }

    // A config node reference with a validator is not checked by Node-RED itself: say when it is needed.
    function configNode(error, when) {
      return function (v, _opt) {
        if (!applies(when, this) || (v && v !== '_ADD_' && RED.nodes.node(v))) {
          return true;
        }
        return t('errors.' + error);
      };
    }

    // A saved credential comes back from Node-RED as has_<name> only; an empty box then keeps it.
    function hasSaved(node, name) {
      return !!(node.credentials && node.credentials['has_' + name]);
    }

    return {
      t: t,
      field: field,
      isOpen: isOpen,
      // From oneditprepare: this node's dialog is open.
      open: function (node) {
        editing = node.id;
      },
      // From oneditsave, oneditcancel and oneditdelete: no dialog of this type is open.
      close: function () {
        editing = null;
      },
      showDefaults: showDefaults,
      oneOf: oneOf,
      integer: integer,
      list: list,
      configNode: configNode,
      hasSaved: hasSaved,
    };
  }

  window.wsGatewayEditor = Object.freeze({ dialog: dialog });
})();
