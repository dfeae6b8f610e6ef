function legend(varargin)
% legend(...): headless stand-in for Octave's legend (crosscheck shim, ours): does nothing.
% octave-cli without a graphics toolkit errors in legend; the course's files call it.
end
